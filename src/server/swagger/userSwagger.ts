// A swagger document the user wrote replaces the generated one: swagger<version>.json first, then swagger.json,
// looked up in the source directory (Azure ML's inference server does the same).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, errorMessage } from '../../core/errors';
import type { SwaggerVersion } from './buildSwagger';

export async function readUserSwagger(sourceDir: string | undefined, version: SwaggerVersion): Promise<unknown | undefined> {
  if (!sourceDir) return undefined;
  for (const name of [`swagger${version}.json`, 'swagger.json']) {
    const file = join(sourceDir, name);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (err) {
      throw new ConfigError(`${file} is not valid JSON: ${errorMessage(err)}`, file);
    }
  }
  return undefined;
}

// Which services use a model version, read straight from the service records
// (<workspace>/services/<name>/service.json, whose `models` hold resolved `name:version` refs).
// A stand-in until the service manager offers `servicesUsing(ref)`; the delete command takes any function
// of this shape.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, errorMessage } from '../../core/errors';

export type ServicesUsing = (modelRef: string) => Promise<string[]>;

export function servicesUsingFromRecords(workspaceDir: string): ServicesUsing {
  const servicesDir = join(workspaceDir, 'services');
  return async (modelRef) => {
    let entries;
    try {
      entries = await readdir(servicesDir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const users: string[] = [];
    for (const entry of entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const file = join(servicesDir, entry.name, 'service.json');
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue; // a service being created or removed
        throw err;
      }
      // A record we cannot read might be the one using the model: refuse rather than guess.
      const record = parseRecord(text, file);
      if (record.models.includes(modelRef)) users.push(record.name ?? entry.name);
    }
    return users;
  };
}

function parseRecord(text: string, file: string): { name: string | undefined; models: string[] } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ConfigError(`Cannot tell which models service record ${file} uses: it is not valid JSON (${errorMessage(err)}). Fix or delete that file.`, file);
  }
  const { name, models } = (json ?? {}) as { name?: unknown; models?: unknown };
  if (!Array.isArray(models) || !models.every((m) => typeof m === 'string')) {
    throw new ConfigError(`Cannot tell which models service record ${file} uses: /models is not a list of model references. Fix or delete that file.`, file, '/models');
  }
  return { name: typeof name === 'string' ? name : undefined, models };
}

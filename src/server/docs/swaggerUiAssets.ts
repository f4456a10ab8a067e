// The interactive API page's static files: Swagger UI (swagger-ui-dist, Apache-2.0), packaged with Modelport —
// `npm run build` copies the two files it needs beside the server bundle (dist/swagger-ui/), and container
// images carry them beside server/cli.js. Nothing is fetched from a CDN.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export const swaggerUiFiles = ['swagger-ui-bundle.js', 'swagger-ui.css'] as const;
export type SwaggerUiFile = (typeof swaggerUiFiles)[number];

/** Beside the running bundle; when running from sources (tests), the installed package. */
function assetDir(): string | undefined {
  const beside = join(__dirname, 'swagger-ui');
  if (existsSync(join(beside, 'swagger-ui-bundle.js'))) return beside;
  try {
    return dirname(require.resolve('swagger-ui-dist/package.json'));
  } catch {
    return undefined;
  }
}

const cache = new Map<SwaggerUiFile, Buffer>();

/** The file's bytes, read once; undefined when this installation has no Swagger UI. */
export async function swaggerUiAsset(file: SwaggerUiFile): Promise<Buffer | undefined> {
  const cached = cache.get(file);
  if (cached) return cached;
  const dir = assetDir();
  if (!dir) return undefined;
  const bytes = await readFile(join(dir, file)).catch(() => undefined);
  if (bytes) cache.set(file, bytes);
  return bytes;
}

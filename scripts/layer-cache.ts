// `node --import tsx scripts/layer-cache.ts`: makes sure the engine keeps the service images' dependency layers
// (test/helpers/layerCache.ts) and prints one line saying so. Run by the test runners before the suites that build
// images; never fails them.
import { resolve } from 'node:path';
import { ensureLayerCache } from '../test/helpers/layerCache';

ensureLayerCache(resolve(__dirname, '..', 'dist', 'cli.js')).then(
  (line) => console.log(`layer cache: ${line}`),
  (err: unknown) => console.log(`layer cache: not kept (${err instanceof Error ? err.message : String(err)}); the suites build those layers themselves`),
);

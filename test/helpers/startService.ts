// Starts a real scoring service (real onnxruntime sessions, real HTTP) on a random loopback port.
import { createLogger } from '../../src/server/logger';
import { resolveServeOptions, type ServeFlags, type ServeOptions } from '../../src/server/options';
import { createService, type ScoringService } from '../../src/server/service';

export interface RunningService {
  url: string;
  service: ScoringService;
  logs: string[];
  close(): Promise<void>;
}

export async function startService(flags: ServeFlags, env: NodeJS.ProcessEnv = {}, overrides: Partial<ServeOptions> = {}): Promise<RunningService> {
  const options = { ...resolveServeOptions({ port: '0', ...flags }, env), ...overrides };
  const logs: string[] = [];
  const service = await createService(options, createLogger(options.logLevel, (line) => logs.push(line)), env);
  await service.app.listen({ port: 0, host: '127.0.0.1' });
  const address = service.app.server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return { url: `http://127.0.0.1:${address.port}`, service, logs, close: () => service.close() };
}

export async function json(res: Response): Promise<unknown> {
  const text = await res.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Error(`not JSON (status ${res.status}): ${text.slice(0, 200)}`);
  }
}

// Adapts the service lifecycle (the CLI's and the Services tree's) to what the tester needs: the list of
// services and the Authorization header of one, read when a request is sent and never handed to the webview.
import type { PreprocessSpec } from '../../core/modelConfig';
import { authorizationHeader } from '../../core/services/authorization';
import type { ServiceLifecycle } from '../../core/services/types';
import type { TesterServiceSource } from './testerHostEnv';

export interface ServiceSourceOptions {
  /** The model config's preprocess section of a service's first model (for V2 tensors made from images). */
  preprocessSpec?: (serviceName: string) => Promise<PreprocessSpec | undefined>;
  /** Shows the log lines of one request (the Services tree's log view, filtered by request id). */
  showRequestLog?: (serviceName: string, requestId: string) => Promise<void>;
}

export function serviceSourceFromLifecycle(lifecycle: Pick<ServiceLifecycle, 'list' | 'get' | 'keys' | 'token'>, options: ServiceSourceOptions = {}): TesterServiceSource {
  return {
    list: async () =>
      (await lifecycle.list()).services.map((s) => ({ name: s.name, scoringUri: s.scoringUri, authMode: s.authMode, state: s.state, models: s.models })),
    authorization: async (name) => authorizationHeader(lifecycle, await lifecycle.get(name)),
    preprocessSpec: options.preprocessSpec,
    showRequestLog: options.showRequestLog,
  };
}

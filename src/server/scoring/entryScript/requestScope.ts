// Which request an entry script's asynchronous work belongs to. Each run() executes inside an AsyncLocalStorage
// scope that its promises and timers inherit; Node runs 'unhandledRejection' listeners in the scope of the promise
// that was rejected, so a rejection a script forgot to handle fails that request (500) instead of ending the
// process and every other request with it.
import { AsyncLocalStorage } from 'node:async_hooks';

interface RunScope {
  fail(reason: unknown): void;
}

export const requestScope = new AsyncLocalStorage<RunScope>();

/** Installed once by `modelport serve`: a rejection inside a run fails that run; any other is logged. */
export function containUnhandledRejections(log: (message: string) => void): void {
  process.on('unhandledRejection', (reason) => {
    const scope = requestScope.getStore();
    const text = reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
    if (scope) scope.fail(reason);
    else log(`An unhandled promise rejection outside any request (the service serves on): ${text}`);
  });
}

// Plain log lines on stdout (what `docker logs` and the local target's log file capture). Request-scoped
// loggers prefix every line with the request id so a caller's id finds its lines.
import type { LogLevel } from './options';

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  /** A logger whose lines carry this request id. */
  child(requestId: string): Logger;
}

export type LogSink = (line: string) => void;

export function createLogger(level: LogLevel, sink: LogSink = (line) => process.stdout.write(line + '\n'), requestId?: string): Logger {
  const min = rank[level];
  const emit = (lvl: LogLevel, message: string): void => {
    if (rank[lvl] < min) return;
    const tag = requestId ? ` [${requestId}]` : '';
    sink(`${new Date().toISOString()} ${lvl.toUpperCase()}${tag} ${message}`);
  };
  return {
    debug: (m) => emit('debug', m),
    info: (m) => emit('info', m),
    warn: (m) => emit('warn', m),
    error: (m) => emit('error', m),
    child: (id) => createLogger(level, sink, id),
  };
}

// The extension's log: one LogOutputChannel named "Modelport", created in activate(). Flows see only this
// shape, so unit tests can collect lines in an array.
export interface Log {
  trace(message: string, ...args: unknown[]): void;
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(error: string | Error, ...args: unknown[]): void;
  show(preserveFocus?: boolean): void;
}

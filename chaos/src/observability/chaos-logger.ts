// The logger the chaos package writes to: the subset of pino's interface it uses, so a pino logger
// (or a child carrying request context) can be passed straight in.

/** A pino-compatible structured logger: `logger.warn({ ...fields }, 'message')`. */
export interface ChaosLogger {
  warn(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
}

/** Discards everything; the default when no logger is injected. */
export const silentLogger: ChaosLogger = { warn: () => undefined, info: () => undefined };

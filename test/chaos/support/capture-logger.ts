// A logger that keeps what it is given, to assert on the structured lines the engine writes.
import type { ChaosLogger } from '../../../chaos/src/observability/chaos-logger.js';

/** One captured line. */
export interface Captured {
  level: 'warn' | 'info';
  fields: Record<string, unknown>;
  message: string | undefined;
}

/** A logger recording every call in `lines`. */
export function captureLogger(): ChaosLogger & { lines: Captured[] } {
  const lines: Captured[] = [];
  return {
    lines,
    warn: (fields, message) => void lines.push({ level: 'warn', fields: fields as Record<string, unknown>, message }),
    info: (fields, message) => void lines.push({ level: 'info', fields: fields as Record<string, unknown>, message }),
  };
}

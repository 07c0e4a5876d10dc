// Durations as people write them in scenario files (`500ms`, `5s`, `2m`), turned into milliseconds once,
// at validation, so the runner only ever sees numbers.
import { z } from 'zod';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;
const PATTERN = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/;

/**
 * Parses `500ms`, `5s`, `1.5s`, `2m`, `1h` (or a bare number of milliseconds) to milliseconds.
 * Returns undefined for anything else.
 *
 * @example parseDuration('2m'); // 120000
 */
export function parseDuration(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) && text >= 0 ? Math.round(text) : undefined;
  const match = PATTERN.exec(text.trim());
  if (!match) return undefined;
  return Math.round(Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
}

/** Writes milliseconds back the way a person would (`1500ms`, `5s`, `2m`). */
export function formatDuration(ms: number): string {
  if (ms % 60_000 === 0 && ms >= 60_000) return `${ms / 60_000}m`;
  if (ms % 1_000 === 0) return `${ms / 1_000}s`;
  return `${ms}ms`;
}

/** A zod field accepting a duration string (or milliseconds) and producing milliseconds. */
export const durationSchema = z
  .union([z.string().regex(PATTERN, 'a duration like 500ms, 5s, 2m'), z.number().int().min(0)])
  .transform((value) => parseDuration(value) as number)
  .describe('A duration: 500ms, 5s, 2m (or a number of milliseconds)');

// Durations as scenario files write them: `500ms`, `5s`, `2m`. Written by hand because the common
// parsers (e.g. `ms`) also accept bare numbers, spaces, `1y` and long words, and a scenario file
// should be strict about its units so that a typo is an error, not a surprise.
import { z } from 'zod';

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m)$/;
const FACTOR = { ms: 1, s: 1000, m: 60_000 } as const;

/** A parse outcome: the value, or one line saying what to write instead. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

/**
 * Parses `500ms`, `5s`, `1.5s` or `2m` into whole milliseconds.
 * @returns `{ ok: false, error }` for anything else (no unit, unknown unit, negative, spaces).
 * @example parseDuration('2m') // { ok: true, value: 120000 }
 */
export function parseDuration(text: string): Parsed<number> {
  const m = DURATION.exec(text.trim());
  if (!m) return { ok: false, error: `"${text}" is not a duration; write a number with ms, s or m, e.g. 500ms, 5s, 2m` };
  const unit = m[2] as keyof typeof FACTOR;
  return { ok: true, value: Math.round(Number(m[1]) * FACTOR[unit]) };
}

/** True when `text` looks like a duration (a number followed by ms, s or m). */
export function isDuration(text: string): boolean {
  return DURATION.test(text.trim());
}

/** Formats milliseconds the way scenario files write them: `250ms`, `5s`, `1.5s`, `2m`. */
export function formatDuration(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1000) return `${Number((ms / 1000).toFixed(3))}s`;
  return `${Number(ms.toFixed(ms < 10 ? 2 : 0))}ms`;
}

/** A zod schema for a duration field: accepts the string form, yields milliseconds. */
export const durationSchema = z.string().transform((text, ctx) => {
  const parsed = parseDuration(text);
  if (parsed.ok) return parsed.value;
  ctx.addIssue({ code: 'custom', message: parsed.error });
  return z.NEVER;
});

// A tolerance is the comparison a probe or gate must satisfy: `">= 0.99"`, `"<= 250ms"`, `"< 2s"`,
// `"== 0"`, or a bare value such as an HTTP status `200` (meaning equality). Durations become ms.
import { z } from 'zod';
import { isDuration, parseDuration, type Parsed } from './duration.js';

/** The comparisons a tolerance may use. */
export type Comparator = '>=' | '<=' | '>' | '<' | '==' | '!=';

/** A parsed tolerance: `measured <op> value`. */
export interface Tolerance {
  op: Comparator;
  /** The bound; milliseconds when `unit` is `ms`. */
  value: number;
  /** `ms` when the bound was written as a duration, so the measured value is read as milliseconds. */
  unit: 'ms' | 'number';
  /** The tolerance as written, for reports. */
  text: string;
}

const FORM = /^(>=|<=|==|!=|>|<)?\s*(\S+)$/;

/**
 * Parses a tolerance as a scenario file writes it.
 * @returns `{ ok: false, error }` naming what is wrong and what to write.
 * @example parseTolerance('<= 250ms') // { ok: true, value: { op: '<=', value: 250, unit: 'ms', text: '<= 250ms' } }
 */
export function parseTolerance(input: string | number): Parsed<Tolerance> {
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return { ok: false, error: `tolerance ${input} is not a finite number` };
    return { ok: true, value: { op: '==', value: input, unit: 'number', text: String(input) } };
  }
  const text = input.trim();
  const m = FORM.exec(text);
  const hint = 'write a comparison and a bound, e.g. ">= 0.99", "<= 250ms", "< 2s", "== 0" or 200';
  if (!m) return { ok: false, error: `tolerance "${input}" is not understood; ${hint}` };
  const op = (m[1] ?? '==') as Comparator;
  const bound = m[2] as string;
  if (isDuration(bound)) {
    const parsed = parseDuration(bound);
    if (!parsed.ok) return parsed;
    return { ok: true, value: { op, value: parsed.value, unit: 'ms', text } };
  }
  const value = Number(bound);
  if (bound === '' || !Number.isFinite(value)) {
    return { ok: false, error: `tolerance "${input}" has bound "${bound}", which is neither a number nor a duration; ${hint}` };
  }
  return { ok: true, value: { op, value, unit: 'number', text } };
}

/**
 * Whether a measured value satisfies the tolerance. `null` (nothing was measured) never holds:
 * a probe with no data cannot vouch for the service.
 */
export function holds(tolerance: Tolerance, measured: number | null): boolean {
  if (measured === null || Number.isNaN(measured)) return false;
  const v = tolerance.value;
  switch (tolerance.op) {
    case '>=': return measured >= v;
    case '<=': return measured <= v;
    case '>': return measured > v;
    case '<': return measured < v;
    case '==': return measured === v;
    case '!=': return measured !== v;
  }
}

/** A zod schema for a tolerance field: a string or a number in, a {@link Tolerance} out. */
export const toleranceSchema = z.union([z.string(), z.number()]).transform((input, ctx) => {
  const parsed = parseTolerance(input);
  if (parsed.ok) return parsed.value;
  ctx.addIssue({ code: 'custom', message: parsed.error });
  return z.NEVER;
});

/**
 * A measured value that is not a duration (a rate, a count), as every output writes it: at most 4 decimal
 * places, no trailing zeros (`0.8`, `0.9388`, `1`, never `0.8000` or `1.`).
 */
export function formatNumber(value: number): string {
  return String(Number(value.toFixed(4)));
}

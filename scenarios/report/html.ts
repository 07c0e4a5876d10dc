// Small helpers for writing the report's HTML by hand: escaping and number formats. The page is a
// few static tables around the charts, which a template engine would not make any clearer.
import { formatNumber } from '../gates/tolerance.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an HTML element or a quoted attribute. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

/**
 * JSON safe to place inside `<script type="application/json">`: `<` is written as `\u003c`, so no
 * string in the data (a scenario title, an error message) can close the script element.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** Milliseconds as a person reads them: `850ms`, `1.25s`, `2m 05s`. */
export function fmtMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  // Each unit up to where rounding would carry into the next (999.6 ms is 1.00s, not 1000ms).
  if (ms < 999.5) return `${Math.round(ms)}ms`;
  if (ms < 59_950) return `${(ms / 1000).toFixed(ms < 9_995 ? 2 : 1)}s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

/** A share as a percentage with one decimal, or `—`. */
export function fmtPct(share: number | null | undefined): string {
  return share === null || share === undefined || !Number.isFinite(share) ? '—' : `${(share * 100).toFixed(1)}%`;
}

/** A measured gate value in its own unit: durations for time gates, shares for rates, else the number. */
export function fmtMeasured(value: number | null, tolerance: string): string {
  if (value === null) return '—';
  if (/\d\s*(ms|s|m)\b/.test(tolerance)) return fmtMs(value);
  return formatNumber(value);
}

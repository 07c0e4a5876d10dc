// Pure helpers for what the pages display and validate: numbers, times, shares of a total, and the
// webhook form's checks (the same rules the API applies, so most mistakes are caught before sending).

/** `0.1234` → `12.3%`; null → `—`. */
export function percent(ratio: number | null | undefined, digits = 1): string {
  return ratio === null || ratio === undefined || Number.isNaN(ratio) ? '—' : `${(ratio * 100).toFixed(digits)}%`;
}

/** Milliseconds for display: `12.3 ms`, `1.24 s`; null → `—`. */
export function millis(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
}

/**
 * An instant as the dashboard shows every time: `2026-11-22 13:05:09 UTC` (with `.123` before ` UTC`
 * when `precision` is `millis`), never in the browser's zone. Takes an ISO string, epoch milliseconds
 * or a Date; null → `—`, and a string that is no date as it is.
 */
export function utc(at: string | number | Date | null | undefined, precision: 'seconds' | 'millis' = 'seconds'): string {
  if (at === null || at === undefined || at === '') return '—';
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return String(at);
  return `${d.toISOString().slice(0, precision === 'millis' ? 23 : 19).replace('T', ' ')} UTC`;
}

/** Epoch milliseconds as a minute to type or edit: `2026-11-22 13:05`, in UTC like `utc`. */
export function utcMinute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

/**
 * A typed UTC time, `2026-11-22 13:05` (a `T` for the space, seconds and a trailing `UTC` or `Z` are
 * accepted), as an ISO instant; null when it is not one (a 30 February, a 25th hour, other text).
 */
export function parseUtc(text: string): string | null {
  const m = /^(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d(?::\d\d)?)\s*(?:UTC|Z)?$/i.exec(text.trim());
  if (!m) return null;
  const d = new Date(`${m[1]}T${m[2]}Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== m[1] ? null : d.toISOString();
}

/** Time left until `iso` from `now`: `4m 05s`, `12s`, `ended`; null → `until healed`. */
export function remaining(iso: string | null, now: number): string {
  if (iso === null) return 'until healed';
  const left = Math.ceil((Date.parse(iso) - now) / 1000);
  if (left <= 0) return 'ended';
  const m = Math.floor(left / 60);
  return m > 0 ? `${m}m ${String(left % 60).padStart(2, '0')}s` : `${left}s`;
}

/** One slice of a distribution. */
export interface Share {
  name: string;
  count: number;
  share: number;
}

/** The top `n` entries of `counts` by count (ties by name), each with its share of `total`. */
export function topShares(counts: Array<{ name: string; count: number }>, total: number, n = 10): Share[] {
  return [...counts]
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))
    .slice(0, n)
    .map((c) => ({ ...c, share: total > 0 ? c.count / total : 0 }));
}

/** A UTC day `YYYY-MM-DD`, `days` after `now` (negative for before). */
export function utcDay(now: number, days = 0): string {
  return new Date(now + days * 86_400_000).toISOString().slice(0, 10);
}

const EVENT_PATTERN = /^(\*|[A-Za-z0-9_:-]+(\.[A-Za-z0-9_:-]+)*(\.\*)?)$/;

/** Splits the form's comma- or space-separated event filter into patterns. */
export function parsePatterns(text: string): string[] {
  return text.split(/[\s,]+/).filter(Boolean);
}

/** Problems with a webhook form, by field; empty when it can be sent. */
export function webhookFormErrors(form: { url: string; events: string }): Partial<Record<'url' | 'events', string>> {
  const errors: Partial<Record<'url' | 'events', string>> = {};
  let url: URL | undefined;
  try {
    url = new URL(form.url.trim());
  } catch {
    errors.url = 'Enter a full URL, like https://example.com/hooks';
  }
  if (url && url.protocol !== 'http:' && url.protocol !== 'https:') errors.url = 'Use an http or https URL';
  const patterns = parsePatterns(form.events);
  const bad = patterns.find((p) => !EVENT_PATTERN.test(p));
  if (patterns.length === 0) errors.events = 'Name at least one event type, * for all, or a prefix like order.*';
  else if (bad !== undefined) errors.events = `"${bad}" is not an event type, * or a prefix pattern like order.*`;
  return errors;
}

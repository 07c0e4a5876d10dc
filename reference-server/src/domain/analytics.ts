// Analytics as pure functions: the facts the change feed carries, how a batch of facts becomes
// per-row deltas, how a delta merges into a stored row, and how a row is shown. Everything that
// must be exact (counts, distributions, latency histograms) merges by addition, so an hour, a day
// or any range is the plain sum of its parts — percentiles come from merged histograms, never from
// averaging percentiles.
import * as hdr from 'hdr-histogram-js';

export const METRIC_TYPES = ['hourly', 'daily'] as const;
export type MetricType = (typeof METRIC_TYPES)[number];

/** Aggregate rows live this long after their period ends. */
export const ANALYTICS_TTL_DAYS = 30;
const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

/** One accepted event, as the change feed reports it. */
export interface EventFact {
  kind: 'event';
  /** The event id: counted at most once, whatever the feed redelivers. */
  id: string;
  tenant_id: string;
  source: string;
  event_type: string;
  created_at: string;
  /**
   * Set when the feed may carry this event again later (an idempotent retry rewrites its outbox row
   * after the first was consumed); the processor then checks it against its counted-ids markers.
   */
  dedupe?: boolean;
}

/**
 * Request and delivery outcomes of one tenant in one hour, as one process saw them between two
 * flushes. `id` is unique per flush, so a flush is counted at most once like an event.
 */
export interface StatsFact {
  kind: 'stats';
  id: string;
  tenant_id: string;
  /** Start of the hour, ISO-8601 UTC. */
  hour: string;
  request_count: number;
  request_error_count: number;
  delivery_count: number;
  delivery_error_count: number;
  /** API request latency in microseconds, an HDR histogram in compressed base64 ('' when empty). */
  latency_histogram: string;
}

export type Fact = EventFact | StatsFact;

/** The additive content of an aggregate row. */
export interface AggregateCounts {
  event_count: number;
  source_distribution: Record<string, number>;
  event_type_distribution: Record<string, number>;
  request_count: number;
  request_error_count: number;
  delivery_count: number;
  delivery_error_count: number;
  latency_histogram: string;
}

/** Identifies a row: one tenant, one granularity, one period. */
export interface RowKey {
  tenant_id: string;
  metric_type: MetricType;
  /** `YYYY-MM-DDTHH` for hourly rows, `YYYY-MM-DD` for daily ones (UTC). */
  period: string;
}

/** A stored row: the counts plus bookkeeping. */
export interface AggregateRow extends RowKey, AggregateCounts {
  /** Epoch seconds after which the row is gone (filtered on read, swept or expired by DynamoDB). */
  ttl: number;
}

/**
 * An empty distribution, with no prototype: names are the API's strings, and on a plain object a source
 * or event type named `constructor`, `valueOf` or `toString` read the inherited function (counted as
 * `"function Object() { [native code] }1"`), and `__proto__` set the prototype instead of a count.
 */
export const emptyDistribution = (): Record<string, number> => Object.create(null) as Record<string, number>;

/**
 * The name a distribution counts a fact under: its own, but OTHER for the two names a stored map cannot
 * hold through the SDK, so totals stay exact and the row stays writable. Its marshalling drops a
 * `__proto__` key, and takes a map with a `constructor` key for a class instance and refuses it: one
 * event typed `constructor` left a row no batch could write, and analytics stopped for every tenant.
 */
const countedName = (name: string): string => (name === '__proto__' || name === 'constructor' ? OTHER : name);

export const emptyCounts = (): AggregateCounts => ({
  event_count: 0,
  source_distribution: emptyDistribution(),
  event_type_distribution: emptyDistribution(),
  request_count: 0,
  request_error_count: 0,
  delivery_count: 0,
  delivery_error_count: 0,
  latency_histogram: '',
});

/** The hourly and daily period a moment belongs to (UTC). */
export function periodsOf(isoTime: string): { hourly: string; daily: string } {
  const at = new Date(Date.parse(isoTime)).toISOString();
  return { hourly: at.slice(0, 13), daily: at.slice(0, 10) };
}

/** Start of a period, epoch ms. */
function periodStart(period: string): number {
  return Date.parse(period.length === 10 ? `${period}T00:00:00Z` : `${period}:00:00Z`);
}

/** End (exclusive) of a period, epoch ms. */
function periodEnd(metricType: MetricType, period: string): number {
  return periodStart(period) + (metricType === 'hourly' ? HOUR_MS : DAY_MS);
}

/** Expiry (epoch seconds) of a row: 30 days after its period ends. */
export function ttlOf(metricType: MetricType, period: string): number {
  return Math.floor((periodEnd(metricType, period) + ANALYTICS_TTL_DAYS * DAY_MS) / 1000);
}

const rowId = (tenant: string, metricType: MetricType, period: string): string => `${tenant}#${metricType}#${period}`;

/** The hour a canonical UTC time (`YYYY-MM-DDTHH:MM:SS.sssZ`, as the server writes them) falls in: its first 13 characters. */
const canonicalHourOf = (time: string): string | undefined => (time.length === 24 && time.endsWith('Z') ? time.slice(0, 13) : undefined);

/** Builds histograms that merge bucket for bucket: every histogram in the system uses these settings. */
export function newHistogram(): hdr.Histogram {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3, bitBucketSize: 64, autoResize: true });
}

export function encodeHistogram(h: hdr.Histogram): string {
  return h.totalCount === 0 ? '' : hdr.encodeIntoCompressedBase64(h);
}

function decodeInto(target: hdr.Histogram, encoded: string): void {
  if (encoded !== '') target.add(hdr.decodeFromCompressedBase64(encoded, 64, false));
}

/** Sum of encoded histograms, encoded. */
export function mergeHistograms(...encoded: string[]): string {
  const nonEmpty = encoded.filter((e) => e !== '');
  if (nonEmpty.length <= 1) return nonEmpty[0] ?? '';
  const h = newHistogram();
  for (const e of nonEmpty) decodeInto(h, e);
  return encodeHistogram(h);
}

/**
 * Distinct names kept per distribution in one row, and the bytes those names may take (UTF-8, as
 * DynamoDB sizes a map's keys); the rest are counted under `(other)`. Totals stay exact. Both bounds
 * keep a row under DynamoDB's 400 KB item limit: a count alone did not, since a name may be 256
 * characters (up to 768 bytes), and two distributions of 1,000 such names came to 0.5–1.5 MB, a row
 * the store refused, so its batch could never close and analytics stopped for every tenant.
 */
export const MAX_DISTINCT = 1_000;
export const MAX_DISTINCT_BYTES = 128 * 1024;
export const OTHER = '(other)';

function addMap(into: Record<string, number>, from: Record<string, number>): Record<string, number> {
  const out = emptyDistribution();
  for (const dist of [into, from]) {
    for (const [k, v] of Object.entries(dist)) {
      const name = countedName(k);
      out[name] = (out[name] ?? 0) + v;
    }
  }
  return capped(out);
}

/**
 * `dist` when its names fit MAX_DISTINCT and MAX_DISTINCT_BYTES; otherwise its largest names while they
 * fit (by count, then name) and the rest under OTHER. As a plain object: the SDK marshals no other kind
 * as a map, and with `__proto__` never a name, reading one is safe once the counting is done.
 */
function capped(dist: Record<string, number>): Record<string, number> {
  const names = Object.keys(dist).filter((k) => k !== OTHER);
  if (names.length <= MAX_DISTINCT && namesFit(names)) return { ...dist };
  const kept: { name: string; count: number }[] = [];
  let bytes = 0;
  for (const e of topOf(dist, Infinity)) {
    if (e.name === OTHER) continue;
    bytes += Buffer.byteLength(e.name);
    if (kept.length === MAX_DISTINCT || bytes > MAX_DISTINCT_BYTES) break;
    kept.push(e);
  }
  const out: Record<string, number> = Object.fromEntries(kept.map((e) => [e.name, e.count]));
  const keptTotal = kept.reduce((n, e) => n + e.count, 0);
  const total = Object.values(dist).reduce((n, v) => n + v, 0);
  out[OTHER] = total - keptTotal;
  return out;
}

/** Whether `names` take at most MAX_DISTINCT_BYTES; a UTF-16 unit is at most 3 UTF-8 bytes, so most lists need no count. */
function namesFit(names: readonly string[]): boolean {
  let units = 0;
  for (const n of names) units += n.length;
  if (units * 3 <= MAX_DISTINCT_BYTES) return true;
  let bytes = 0;
  for (const n of names) bytes += Buffer.byteLength(n);
  return bytes <= MAX_DISTINCT_BYTES;
}

/** `a + b`, field by field. */
export function addCounts(a: AggregateCounts, b: AggregateCounts): AggregateCounts {
  return {
    event_count: a.event_count + b.event_count,
    source_distribution: addMap(a.source_distribution, b.source_distribution),
    event_type_distribution: addMap(a.event_type_distribution, b.event_type_distribution),
    request_count: a.request_count + b.request_count,
    request_error_count: a.request_error_count + b.request_error_count,
    delivery_count: a.delivery_count + b.delivery_count,
    delivery_error_count: a.delivery_error_count + b.delivery_error_count,
    latency_histogram: mergeHistograms(a.latency_histogram, b.latency_histogram),
  };
}

/**
 * Groups a batch of facts into one delta per row it touches (its hour and its day). The same as adding
 * each fact's own counts with {@link addCounts}, one fact at a time, but accumulated in place: the
 * processor runs this on every batch, and building and copying a counts object and its maps per fact
 * was most of the analytics processor's CPU. Distributions are capped once, at the end.
 */
export function deltasFor(facts: readonly Fact[]): Map<string, { key: RowKey; counts: AggregateCounts }> {
  const out = new Map<string, { key: RowKey; counts: AggregateCounts }>();
  // Histograms are summed once per row at the end rather than re-encoded fact by fact.
  const histograms = new Map<string, string[]>();
  // Facts of a batch mostly share their hour: its periods are worked out once.
  let lastHour: string | undefined;
  let periods = { hourly: '', daily: '' };
  for (const fact of facts) {
    const time = fact.kind === 'event' ? fact.created_at : fact.hour;
    const hour = canonicalHourOf(time);
    if (hour === undefined || hour !== lastHour) periods = periodsOf(time);
    lastHour = hour;
    for (const metric_type of METRIC_TYPES) {
      const period = periods[metric_type];
      const id = rowId(fact.tenant_id, metric_type, period);
      let row = out.get(id);
      if (!row) out.set(id, (row = { key: { tenant_id: fact.tenant_id, metric_type, period }, counts: emptyCounts() }));
      const c = row.counts;
      if (fact.kind === 'event') {
        c.event_count += 1;
        const source = countedName(fact.source);
        const type = countedName(fact.event_type);
        c.source_distribution[source] = (c.source_distribution[source] ?? 0) + 1;
        c.event_type_distribution[type] = (c.event_type_distribution[type] ?? 0) + 1;
        continue;
      }
      c.request_count += fact.request_count;
      c.request_error_count += fact.request_error_count;
      c.delivery_count += fact.delivery_count;
      c.delivery_error_count += fact.delivery_error_count;
      if (fact.latency_histogram !== '') {
        const list = histograms.get(id);
        if (list) list.push(fact.latency_histogram);
        else histograms.set(id, [fact.latency_histogram]);
      }
    }
  }
  for (const { counts } of out.values()) {
    counts.source_distribution = capped(counts.source_distribution);
    counts.event_type_distribution = capped(counts.event_type_distribution);
  }
  for (const [id, list] of histograms) out.get(id)!.counts.latency_histogram = mergeHistograms(...list);
  return out;
}

/** Latency summary of a histogram of microseconds, in milliseconds. */
export interface Performance {
  count: number;
  avg_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
}

export function performanceOf(encoded: string): Performance {
  if (encoded === '') return { count: 0, avg_ms: null, p95_ms: null, p99_ms: null, max_ms: null };
  const h = newHistogram();
  decodeInto(h, encoded);
  const ms = (us: number) => Math.round(us / 10) / 100;
  return { count: h.totalCount, avg_ms: ms(h.mean), p95_ms: ms(h.getValueAtPercentile(95)), p99_ms: ms(h.getValueAtPercentile(99)), max_ms: ms(h.maxValue) };
}

/**
 * Errors are failed API requests (responses with status ≥ 400 to a tenant's authenticated requests)
 * plus failed webhook delivery attempts; the rate is over all requests and attempts.
 */
export function errorsOf(c: AggregateCounts): { error_count: number; error_rate: number } {
  const error_count = c.request_error_count + c.delivery_error_count;
  const total = c.request_count + c.delivery_count;
  return { error_count, error_rate: total === 0 ? 0 : Math.round((error_count / total) * 1e6) / 1e6 };
}

/** The API's view of a row. */
export function aggregateView(row: AggregateRow) {
  return {
    metric_type: row.metric_type,
    period_start: new Date(periodStart(row.period)).toISOString(),
    period_end: new Date(periodEnd(row.metric_type, row.period)).toISOString(),
    event_count: row.event_count,
    source_distribution: row.source_distribution,
    event_type_distribution: row.event_type_distribution,
    ...errorsOf(row),
    request_count: row.request_count,
    delivery_count: row.delivery_count,
    delivery_error_count: row.delivery_error_count,
    performance_metrics: performanceOf(row.latency_histogram),
  };
}
export type AggregateView = ReturnType<typeof aggregateView>;

/** The `n` largest entries of a distribution, ties broken by name so the answer is stable. */
export function topOf(dist: Record<string, number>, n: number): { name: string; count: number }[] {
  return Object.entries(dist)
    .sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, n)
    .map(([name, count]) => ({ name, count }));
}

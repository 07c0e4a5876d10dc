// The time range of an analytics query: `start_date`/`end_date` as given (a UTC day or an ISO-8601
// instant with `Z` or an offset) resolved against the clock into a UTC range and the first and last
// period it touches. Pure, so the date rules are the same for the list, the summary and the export.
import { z } from 'zod';
import { periodsOf, type MetricType } from '../domain/analytics.js';
import { ApiError } from './api-error.js';

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** The longest range one request may cover: bounds the rows a summary or export reads. */
const MAX_SPAN_MS = 31 * DAY_MS;
/** How far back the range reaches when `start_date` is omitted. */
const DEFAULT_WINDOW_MS: Record<MetricType, number> = { hourly: DAY_MS, daily: 7 * DAY_MS };
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const EARLIEST_MS = 0;
const LATEST_MS = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * A day (`2026-11-22`) or an instant with `Z` or a `±HH:MM` offset. A time without either is refused:
 * the server cannot know which zone the caller meant, and guessing UTC would shift their data.
 */
export const DateParam = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: 'expected YYYY-MM-DD or an ISO-8601 date-time with Z or a ±HH:MM offset',
});

/** The query fields every analytics route takes for its range. */
export const RangeParams = { start_date: DateParam.optional(), end_date: DateParam.optional() };

/** A resolved range: inclusive UTC instants, and the inclusive period bounds to query. */
export interface AnalyticsRange {
  startMs: number;
  endMs: number;
  from: string;
  to: string;
}

/**
 * Resolves the range. A day as `end_date` means through its last millisecond; an omitted `end_date`
 * is now; an omitted `start_date` is the default window (24 h hourly, 7 days daily) ending where the
 * range ends. Throws a 400 naming `query.end_date` when the range is reversed or spans over 31 days.
 */
export function resolveRange(q: { start_date?: string; end_date?: string }, metricType: MetricType, nowMs: number): AnalyticsRange {
  const endDay = q.end_date !== undefined && DATE_ONLY.test(q.end_date);
  // `endMs` is inclusive; `endBound` is where a default window ends: the end itself, or for a day the
  // midnight after it, so `end_date=2026-11-22` alone covers exactly that day (hourly).
  const endBound = q.end_date === undefined ? nowMs : instantOf(q.end_date, 'end_date') + (endDay ? DAY_MS : 0);
  const endMs = endDay ? endBound - 1 : endBound;
  const startMs = q.start_date === undefined ? endBound - DEFAULT_WINDOW_MS[metricType] : instantOf(q.start_date, 'start_date');
  if (endMs < startMs) throw rangeError('end_date must not be before start_date');
  if (endMs - startMs > MAX_SPAN_MS) throw rangeError('the range may span at most 31 days');
  return { startMs, endMs, from: periodsOf(new Date(startMs).toISOString())[metricType], to: periodsOf(new Date(endMs).toISOString())[metricType] };
}

/** Epoch ms of a validated date parameter (a day starts at 00:00 UTC). */
function instantOf(value: string, field: string): number {
  const ms = Date.parse(DATE_ONLY.test(value) ? `${value}T00:00:00Z` : value);
  // An offset can push a four-digit year out of 0000–9999, where ISO text (and so period order) breaks.
  if (!(ms >= EARLIEST_MS && ms <= LATEST_MS)) {
    const message = 'must lie between 1970-01-01 and 9999-12-31 (UTC)';
    throw new ApiError(400, 'validation_error', `query.${field}: ${message}`, [{ field: `query.${field}`, message }]);
  }
  return ms;
}

function rangeError(message: string): ApiError {
  return new ApiError(400, 'validation_error', `query.end_date: ${message}`, [{ field: 'query.end_date', message }]);
}

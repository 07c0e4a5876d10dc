// Analytics API: a tenant's hourly or daily aggregate rows for a range, a summary of a range, and the
// rows as a CSV or JSON download. Reads only the precomputed rows, always of the caller's tenant.
import { Router } from 'express';
import { z } from 'zod';
import {
  METRIC_TYPES,
  addCounts,
  aggregateView,
  emptyCounts,
  errorsOf,
  mergeHistograms,
  performanceOf,
  topOf,
  type AggregateRow,
  type MetricType,
} from '../domain/analytics.js';
import { decodeCursor, encodeCursor } from '../domain/cursor.js';
import { ApiError } from './api-error.js';
import { requireApiKey, requireScope, tenantOf } from './auth.js';
import type { AppDeps } from './app-deps.js';
import { EXPORT_FORMATS, exportFilename, streamExport } from './analytics-export.js';
import { RangeParams, resolveRange, type AnalyticsRange } from './analytics-range.js';
import { validate } from './validate.js';

const ListQuery = z.strictObject({
  ...RangeParams,
  metric_type: z.enum(METRIC_TYPES).default('hourly'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  cursor: z.string().max(1024).optional(),
});
const SummaryQuery = z.strictObject({ ...RangeParams, top: z.coerce.number().int().min(1).max(100).default(10) });
const ExportQuery = z.strictObject({ ...RangeParams, metric_type: z.enum(METRIC_TYPES).default('hourly'), format: z.enum(EXPORT_FORMATS) });

/** Rows read per store call by the summary (at most 31 × 24 in all) and by the export. */
const SUMMARY_PAGE = 500;
const EXPORT_PAGE = 100;
const PERIOD_FORMAT: Record<MetricType, RegExp> = { hourly: /^\d{4}-\d{2}-\d{2}T\d{2}$/, daily: /^\d{4}-\d{2}-\d{2}$/ };

/** Routes under /v1/analytics (scope `analytics:read`). */
export function analyticsRouter(deps: AppDeps): Router {
  const { stores, clock } = deps;
  const router = Router();
  router.use('/v1/analytics', requireApiKey(deps.authenticator), requireScope('analytics:read'));

  router.get('/v1/analytics', async (req, res) => {
    const q = validate(ListQuery, req.query, 'query');
    const nowMs = clock.now();
    const range = resolveRange(q, q.metric_type, nowMs);
    const after = cursorPosition(q.cursor, q.metric_type, range);
    const page =
      after !== undefined && after >= range.to
        ? { rows: [] as AggregateRow[], last: undefined }
        : await stores.analytics.query(tenantOf(res), q.metric_type, { from: range.from, to: range.to, after, limit: q.limit, nowMs });
    res.json({
      metric_type: q.metric_type,
      ...echo(range),
      data: page.rows.map(aggregateView),
      next_cursor: page.last ? encodeCursor(page.last) : null,
      has_more: page.last !== undefined,
    });
  });

  router.get('/v1/analytics/summary', async (req, res) => {
    const q = validate(SummaryQuery, req.query, 'query');
    const nowMs = clock.now();
    const range = resolveRange(q, 'hourly', nowMs);
    // Counts add as they come; histograms are merged once at the end rather than re-encoded per row.
    let total = emptyCounts();
    const histograms: string[] = [];
    for await (const rows of pagesOf(deps, tenantOf(res), 'hourly', range, nowMs, SUMMARY_PAGE)) {
      for (const row of rows) {
        total = addCounts(total, { ...row, latency_histogram: '' });
        histograms.push(row.latency_histogram);
      }
    }
    total.latency_histogram = mergeHistograms(...histograms);
    res.json({
      ...echo(range),
      total_events: total.event_count,
      top_sources: topOf(total.source_distribution, q.top).map(({ name, count }) => ({ source: name, count })),
      top_event_types: topOf(total.event_type_distribution, q.top).map(({ name, count }) => ({ event_type: name, count })),
      ...errorsOf(total),
      request_count: total.request_count,
      delivery_count: total.delivery_count,
      delivery_error_count: total.delivery_error_count,
      performance_metrics: performanceOf(total.latency_histogram),
    });
  });

  router.get('/v1/analytics/export', async (req, res) => {
    const q = validate(ExportQuery, req.query, 'query');
    const nowMs = clock.now();
    const range = resolveRange(q, q.metric_type, nowMs);
    const pages = pagesOf(deps, tenantOf(res), q.metric_type, range, nowMs, EXPORT_PAGE);
    // Read the first page before any header goes out, so an unavailable store is still a clean 503.
    const first = await pages.next();
    await streamExport(res, {
      format: q.format,
      filename: exportFilename(q.metric_type, range.from, range.to, q.format),
      pages: prepend(first, pages),
      logger: deps.logger,
      requestId: res.locals.requestId as string | undefined,
    });
  });

  return router;
}

/** Every page of the tenant's rows in the range, oldest first. */
async function* pagesOf(deps: AppDeps, tenantId: string, metricType: MetricType, range: AnalyticsRange, nowMs: number, limit: number) {
  let after: string | undefined;
  do {
    const page = await deps.stores.analytics.query(tenantId, metricType, { from: range.from, to: range.to, after, limit, nowMs });
    if (page.rows.length > 0) yield page.rows;
    after = page.last;
  } while (after !== undefined);
}

/** An iterator's already-read first result, then the rest of it. */
async function* prepend<T>(first: IteratorResult<T, void>, rest: AsyncIterator<T, void>): AsyncGenerator<T> {
  if (first.done) return;
  yield first.value;
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

/**
 * The period after which to continue. A cursor is refused when it is not one of ours or names the
 * other granularity; one before the range (a default range that has moved on since) starts at its
 * beginning, since nothing before `from` is wanted any more.
 */
function cursorPosition(cursor: string | undefined, metricType: MetricType, range: AnalyticsRange): string | undefined {
  if (cursor === undefined) return undefined;
  const after = decodeCursor(cursor);
  if (after === undefined || !PERIOD_FORMAT[metricType].test(after)) {
    throw new ApiError(400, 'validation_error', 'query.cursor: not a valid cursor', [{ field: 'query.cursor', message: 'invalid cursor' }]);
  }
  return after < range.from ? undefined : after;
}

const echo = (range: AnalyticsRange) => ({ start_date: new Date(range.startMs).toISOString(), end_date: new Date(range.endMs).toISOString() });

// Writes an analytics export as a download, page by page as the store yields rows, so memory stays
// flat however long the range. CSV goes through csv-stringify (quoting of commas, quotes and line
// breaks in source names is its job); JSON is one array written item by item.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify } from 'csv-stringify';
import type { Response } from 'express';
import type { Logger } from 'pino';
import { aggregateView, type AggregateRow, type AggregateView, type MetricType } from '../domain/analytics.js';

export const EXPORT_FORMATS = ['csv', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** CSV columns, in order; the header row names them exactly so. */
export const CSV_COLUMNS = [
  'period_start',
  'period_end',
  'metric_type',
  'event_count',
  'error_count',
  'error_rate',
  'request_count',
  'delivery_count',
  'delivery_error_count',
  'avg_latency_ms',
  'p95_latency_ms',
  'p99_latency_ms',
  'source_distribution',
  'event_type_distribution',
] as const;

const CONTENT_TYPES: Record<ExportFormat, string> = { csv: 'text/csv; charset=utf-8', json: 'application/json; charset=utf-8' };

/** One CSV record of a row's view. Distributions are JSON text, so a cell never starts with `=`, `+`, `-` or `@`. */
function csvRecordOf(v: AggregateView): Record<(typeof CSV_COLUMNS)[number], string | number | null> {
  return {
    period_start: v.period_start,
    period_end: v.period_end,
    metric_type: v.metric_type,
    event_count: v.event_count,
    error_count: v.error_count,
    error_rate: v.error_rate,
    request_count: v.request_count,
    delivery_count: v.delivery_count,
    delivery_error_count: v.delivery_error_count,
    avg_latency_ms: v.performance_metrics.avg_ms,
    p95_latency_ms: v.performance_metrics.p95_ms,
    p99_latency_ms: v.performance_metrics.p99_ms,
    source_distribution: JSON.stringify(v.source_distribution),
    event_type_distribution: JSON.stringify(v.event_type_distribution),
  };
}

/** `analytics-<metric_type>-<from>-<to>.<ext>`, reduced to characters every file system and header accepts. */
export function exportFilename(metricType: MetricType, from: string, to: string, format: ExportFormat): string {
  return `analytics-${metricType}-${from}-${to}.${format}`.replace(/[^A-Za-z0-9._-]/g, '_');
}

/**
 * Sends `pages` (the first already read, so a store failure before any byte still gets the normal
 * error answer) as a download. A failure after the headers are out destroys the response: the client
 * sees a broken transfer, never a short file that looks complete. Never rejects.
 */
export async function streamExport(
  res: Response,
  opts: { format: ExportFormat; filename: string; pages: AsyncIterable<AggregateRow[]>; logger: Logger; requestId?: string },
): Promise<void> {
  res.status(200);
  res.setHeader('Content-Type', CONTENT_TYPES[opts.format]);
  res.setHeader('Content-Disposition', `attachment; filename="${opts.filename}"`);
  res.setHeader('Cache-Control', 'no-store');
  let storeError: unknown;
  async function* views() {
    try {
      for await (const page of opts.pages) yield* page.map(aggregateView);
    } catch (err) {
      storeError = err;
      throw err;
    }
  }
  try {
    if (opts.format === 'csv') {
      await pipeline(Readable.from(csvRecords(views())), stringify({ header: true, columns: [...CSV_COLUMNS] }), res);
    } else {
      await pipeline(Readable.from(jsonArray(views())), res);
    }
  } catch (err) {
    // pipeline has already destroyed the response; all that is left is saying why.
    if (storeError !== undefined) {
      opts.logger.error({ err: storeError, request_id: opts.requestId }, 'analytics export failed mid-stream; response truncated');
    } else {
      opts.logger.info({ err, request_id: opts.requestId }, 'analytics export ended early (client went away)');
    }
  }
}

async function* csvRecords(items: AsyncIterable<AggregateView>) {
  for await (const item of items) yield csvRecordOf(item);
}

/** `[`, the items joined with commas, `]`. */
async function* jsonArray(items: AsyncIterable<AggregateView>): AsyncGenerator<string> {
  let first = true;
  yield '[';
  for await (const item of items) {
    yield (first ? '' : ',') + JSON.stringify(item);
    first = false;
  }
  yield ']';
}

// Analytics: hourly and daily rows (pages or an async iterator), the summary, and the export as a
// stream that is never buffered whole.
import type { AnalyticsRange, AnalyticsRow, AnalyticsSummary, MetricType } from '../admin-models.js';
import type { Page } from '../models.js';
import { paginate } from '../paginate.js';
import { send, sendJson, type CallOptions, type TransportConfig } from '../transport.js';

export interface AnalyticsPage extends Page {
  metric_type: MetricType;
  start_date: string;
  end_date: string;
  data: AnalyticsRow[];
}
export type AnalyticsQuery = AnalyticsRange & { metric_type?: MetricType; limit?: number };

/** A download: the server's file name and content type, and the body as a byte stream. */
export interface AnalyticsExport {
  filename: string | undefined;
  contentType: string | null;
  body: ReadableStream<Uint8Array>;
}

export class AnalyticsResource {
  constructor(private readonly config: TransportConfig) {}

  /** One page of rows, oldest first. */
  query(query: AnalyticsQuery & { cursor?: string } = {}, options: CallOptions = {}): Promise<AnalyticsPage> {
    return sendJson(this.config, { method: 'GET', path: '/v1/analytics', query: { ...query }, signal: options.signal, onResponse: options.onResponse });
  }

  /** Every row of the range, page by page as you iterate. */
  rows(query: AnalyticsQuery = {}, options: CallOptions = {}): AsyncGenerator<AnalyticsRow, void, undefined> {
    return paginate((cursor) => this.query({ ...query, cursor }, options), (p) => p.data);
  }

  /** Totals of the range with the `top` sources and event types (default 10). */
  summary(query: AnalyticsRange & { top?: number } = {}, options: CallOptions = {}): Promise<AnalyticsSummary> {
    return sendJson(this.config, { method: 'GET', path: '/v1/analytics/summary', query: { ...query }, signal: options.signal, onResponse: options.onResponse });
  }

  /**
   * Starts the export download. Errors found before it starts throw as usual; a transfer cut
   * midway makes reading `body` fail (never a short file that looks complete): export again.
   * @example
   * const { body } = await client.analytics.export({ format: 'csv' });
   * await pipeline(Readable.fromWeb(body), createWriteStream('analytics.csv'));
   */
  async export(query: AnalyticsQuery & { format: 'csv' | 'json' }, options: CallOptions = {}): Promise<AnalyticsExport> {
    const { response: res } = await send(this.config, { method: 'GET', path: '/v1/analytics/export', query: { ...query }, signal: options.signal, onResponse: options.onResponse, stream: true });
    const disposition = res.headers.get('content-disposition') ?? '';
    return {
      filename: /filename="([^"]+)"/.exec(disposition)?.[1],
      contentType: res.headers.get('content-type'),
      body: res.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() }),
    };
  }
}

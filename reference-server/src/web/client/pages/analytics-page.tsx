// Analytics (§2.4): a date range and granularity, summary cards, event volume over time, the top
// sources and event types with their shares, exports through the API, and auto-refresh.
import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ApiClient, ApiFailure } from '../api-client.js';
import { ErrorBanner } from '../components/error-banner.js';
import { ShareList } from '../components/share-list.js';
import { StatCard } from '../components/stat-card.js';
import { millis, percent, topShares, utc, utcDay } from '../format.js';
import type { AnalyticsRow, AnalyticsSummary } from '../types.js';
import { asFailure, useLoad } from '../use-load.js';
import { saveBlob } from '../save-blob.js';

const REFRESH_CHOICES = [0, 10, 30, 60];

/**
 * What the error rate is made of. The rate counts failed requests and failed webhook attempts over
 * both, so the hint names each: "1 of 42 requests, 15 of 15 delivery attempts".
 */
export function errorRateHint(s: Pick<AnalyticsSummary, 'error_count' | 'request_count' | 'delivery_count' | 'delivery_error_count'>): string {
  const requests = `${s.error_count - s.delivery_error_count} of ${s.request_count} requests`;
  return s.delivery_count > 0 ? `${requests}, ${s.delivery_error_count} of ${s.delivery_count} delivery attempts` : requests;
}

/** The most pages of rows the chart reads: a 31-day hourly range is 744 rows, two pages of 500. */
const MAX_SERIES_PAGES = 4;

/**
 * Every row of the range, following the API's cursor: one page holds at most 500 rows, and the
 * oldest come first, so a single page of a long hourly range would leave out its latest days.
 */
export async function loadSeries(api: ApiClient, range: string, metric: 'hourly' | 'daily'): Promise<AnalyticsRow[]> {
  const rows: AnalyticsRow[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < MAX_SERIES_PAGES; page++) {
    const after: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const answer: { data: AnalyticsRow[]; next_cursor: string | null } = await api.get(`/v1/analytics?${range}&metric_type=${metric}&limit=500${after}`);
    rows.push(...answer.data);
    cursor = answer.next_cursor;
    if (!cursor) break;
  }
  return rows;
}

/** Periods the chart draws at most (a 31-day hourly range is 768 hours of UTC days). */
const MAX_PERIODS = 1000;

/**
 * The error rate as shown: `—` when nothing was counted (no request and no delivery attempt), where
 * the API's 0 would read as a clean record rather than an empty one.
 */
export function errorRateValue(s: Pick<AnalyticsSummary, 'error_rate' | 'request_count' | 'delivery_count'>): string {
  return s.request_count + s.delivery_count === 0 ? '—' : percent(s.error_rate, 2);
}

/**
 * The volume chart's points: events per period, and its errors split as the error rate counts them
 * (a row's error_count holds both failed requests and failed delivery attempts). The API returns
 * only periods that have a row; given the range (UTC days) and the time now, every period from the
 * range's start up to now gets a point, zero when it has no row, so quiet hours show as gaps on the
 * time axis instead of the busy ones being drawn side by side.
 */
export function volumeChart(rows: readonly AnalyticsRow[], metric: 'hourly' | 'daily', range?: { start: string; end: string; now: number }) {
  const point = (periodStart: string, r?: AnalyticsRow) => ({
    period: metric === 'hourly' ? periodStart.slice(5, 13).replace('T', ' ') + 'h' : periodStart.slice(0, 10),
    events: r?.event_count ?? 0,
    requestErrors: r ? r.error_count - r.delivery_error_count : 0,
    failedAttempts: r?.delivery_error_count ?? 0,
  });
  const byStart = new Map(rows.map((r) => [Date.parse(r.period_start), r]));
  const first = range ? Date.parse(`${range.start}T00:00:00.000Z`) : NaN;
  // Up to now (a row stamped by a server clock a little ahead still counts), never past the range.
  const last = range ? Math.min(Date.parse(`${range.end}T23:59:59.999Z`), Math.max(range.now, ...byStart.keys())) : NaN;
  if (Number.isNaN(first) || Number.isNaN(last)) return rows.map((r) => point(r.period_start, r));
  const step = metric === 'hourly' ? 3_600_000 : 86_400_000;
  const points = [];
  for (let t = first, n = 0; t <= last && n < MAX_PERIODS; t += step, n++) {
    points.push(point(new Date(t).toISOString(), byStart.get(t)));
    byStart.delete(t);
  }
  // A row the walk did not meet (a range edited meanwhile) is still drawn, in time order.
  return byStart.size === 0 ? points : rows.map((r) => point(r.period_start, r));
}

/** The analytics page for the signed-in key's tenant. */
export function AnalyticsPage({ api }: { api: ApiClient }) {
  const [start, setStart] = useState(() => utcDay(Date.now(), -1));
  const [end, setEnd] = useState(() => utcDay(Date.now()));
  const [metric, setMetric] = useState<'hourly' | 'daily'>('hourly');
  const [refreshS, setRefreshS] = useState(30);
  const [exportError, setExportError] = useState<ApiFailure | null>(null);
  const range = `start_date=${start}&end_date=${end}`;

  const loaded = useLoad(
    async () => {
      const [rows, summary] = await Promise.all([loadSeries(api, range, metric), api.get<AnalyticsSummary>(`/v1/analytics/summary?${range}&top=10`)]);
      return { rows, summary, now: Date.now(), start, end };
    },
    [api, range, metric],
    refreshS * 1000,
  );

  const download = async (format: 'csv' | 'json') => {
    try {
      setExportError(null);
      const { blob, filename } = await api.blob(`/v1/analytics/export?format=${format}&${range}&metric_type=${metric}`);
      saveBlob(blob, filename ?? `analytics.${format}`);
    } catch (err) {
      setExportError(asFailure(err));
    }
  };

  const summary = loaded.data?.summary;
  const rows = loaded.data?.rows ?? [];
  const chart = volumeChart(rows, metric, loaded.data);
  return (
    <section aria-labelledby="analytics-title">
      <div className="page-head">
        <h2 id="analytics-title">Analytics</h2>
        <span className="muted small" aria-live="polite">
          {loaded.loading ? 'Loading…' : loaded.updatedAt ? `Last updated ${utc(loaded.updatedAt)}` : ''}
        </span>
      </div>
      <form className="toolbar" onSubmit={(e) => (e.preventDefault(), loaded.reload())}>
        <label>
          From (UTC) <input type="date" value={start} max={end} onChange={(e) => setStart(e.target.value)} required />
        </label>
        <label>
          To (UTC) <input type="date" value={end} min={start} onChange={(e) => setEnd(e.target.value)} required />
        </label>
        <label>
          Granularity
          <select value={metric} onChange={(e) => setMetric(e.target.value as 'hourly' | 'daily')}>
            <option value="hourly">Hourly</option>
            <option value="daily">Daily</option>
          </select>
        </label>
        <label>
          Auto-refresh
          <select value={refreshS} onChange={(e) => setRefreshS(Number(e.target.value))}>
            {REFRESH_CHOICES.map((s) => (
              <option key={s} value={s}>
                {s === 0 ? 'Off' : `Every ${s} s`}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Refresh</button>
        <button type="button" onClick={() => void download('csv')}>
          Export CSV
        </button>
        <button type="button" onClick={() => void download('json')}>
          Export JSON
        </button>
      </form>
      <ErrorBanner error={loaded.error ?? exportError} />
      {summary ? (
        <div className="cards">
          <StatCard label="Total events" value={String(summary.total_events)} />
          <StatCard label="Error rate" value={errorRateValue(summary)} hint={errorRateHint(summary)} />
          <StatCard label="p95 latency" value={millis(summary.performance_metrics.p95_ms)} />
          <StatCard label="p99 latency" value={millis(summary.performance_metrics.p99_ms)} />
        </div>
      ) : null}
      <section className="panel" aria-label="Event volume">
        <h3>
          Event volume <span className="muted small">per {metric === 'hourly' ? 'hour' : 'day'}, UTC</span>
        </h3>
        {rows.length === 0 ? (
          <p className="empty">{loaded.loading ? 'Loading…' : 'No events in this range yet. Events appear here within a few seconds of being created.'}</p>
        ) : (
          <div className="chart" data-testid="volume-chart">
            <ResponsiveContainer width="100%" height={260}>
              <ComposedChart data={chart} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
                <CartesianGrid strokeDasharray="3 3" stroke="#e3e6ea" />
                <XAxis dataKey="period" fontSize={12} />
                <YAxis allowDecimals={false} fontSize={12} />
                <Tooltip />
                <Legend wrapperStyle={{ fontSize: 12 }} />
                <Bar dataKey="events" name="Events" fill="#3b6fd8" maxBarSize={64} isAnimationActive={false} />
                <Line dataKey="requestErrors" name="Request errors" stroke="#c0392b" dot={false} isAnimationActive={false} />
                <Line dataKey="failedAttempts" name="Failed delivery attempts" stroke="#b7791f" strokeDasharray="5 3" dot={false} isAnimationActive={false} />
              </ComposedChart>
            </ResponsiveContainer>
          </div>
        )}
      </section>
      {summary ? (
        <div className="two-col">
          <ShareList
            title="Top sources"
            shares={topShares(summary.top_sources.map((s) => ({ name: s.source, count: s.count })), summary.total_events)}
            empty="No sources yet."
          />
          <ShareList
            title="Top event types"
            shares={topShares(summary.top_event_types.map((s) => ({ name: s.event_type, count: s.count })), summary.total_events)}
            empty="No event types yet."
          />
        </div>
      ) : null}
      {summary && summary.top_event_types.length > 0 ? (
        <section className="panel" aria-label="Event types chart">
          <h3>Event types</h3>
          <div className="chart">
            <ResponsiveContainer width="100%" height={Math.max(120, summary.top_event_types.length * 28)}>
              <BarChart data={summary.top_event_types} layout="vertical" margin={{ left: 24, right: 16 }}>
                <XAxis type="number" allowDecimals={false} fontSize={12} />
                <YAxis type="category" dataKey="event_type" width={140} fontSize={12} />
                <Tooltip />
                <Bar dataKey="count" name="Events" fill="#6c8ebf" isAnimationActive={false} />
              </BarChart>
            </ResponsiveContainer>
          </div>
        </section>
      ) : null}
    </section>
  );
}

// One webhook's details: delivery metrics (success rate, p95/p99), the delivery history with every
// attempt's status code and latency, and "send test", which calls the endpoint right now.
import { useState } from 'react';
import type { ApiClient, ApiFailure } from '../api-client.js';
import { ErrorBanner } from '../components/error-banner.js';
import { StatCard } from '../components/stat-card.js';
import { millis, percent, utc } from '../format.js';
import type { Delivery, TestResult, Webhook, WebhookMetrics } from '../types.js';
import { asFailure, useLoad } from '../use-load.js';
import { DataTable } from '../components/data-table.js';

/** How many deliveries the history shows: the newest. */
const HISTORY = 25;

/** Metrics, test and deliveries of `webhook`; refreshes every 5 s while open. */
export function WebhookDetails({ api, webhook }: { api: ApiClient; webhook: Webhook }) {
  const [test, setTest] = useState<TestResult | null>(null);
  const [testError, setTestError] = useState<ApiFailure | null>(null);
  const [testing, setTesting] = useState(false);
  const loaded = useLoad(
    async () => {
      const [metrics, deliveries] = await Promise.all([
        api.get<WebhookMetrics>(`/v1/webhooks/${webhook.webhook_id}/metrics`),
        // Newest first: the history is for what just happened, and the oldest page never shows it.
        api.get<{ deliveries: Delivery[]; has_more: boolean }>(`/v1/webhooks/${webhook.webhook_id}/deliveries?order=desc&limit=${HISTORY}`),
      ]);
      return { metrics, deliveries: deliveries.deliveries, more: deliveries.has_more };
    },
    [api, webhook.webhook_id],
    5000,
  );
  const sendTest = async () => {
    setTesting(true);
    setTestError(null);
    try {
      setTest(await api.post<TestResult>(`/v1/webhooks/${webhook.webhook_id}/test`));
    } catch (err) {
      setTestError(asFailure(err));
    } finally {
      setTesting(false);
    }
  };
  const m = loaded.data?.metrics;
  return (
    <section className="panel" aria-label="Webhook details">
      <div className="page-head">
        <h3>{webhook.url}</h3>
        <button type="button" onClick={() => void sendTest()} disabled={testing}>
          {testing ? 'Sending…' : 'Send test'}
        </button>
      </div>
      {test ? (
        <p role="status" className={test.success ? 'ok' : 'bad'}>
          Test {test.success ? 'delivered' : 'failed'}: {test.status_code ?? 'no response'} in {millis(test.latency_ms)}
          {test.error ? ` (${test.error_class ?? 'error'}: ${test.error})` : ''}
        </p>
      ) : null}
      <ErrorBanner error={testError ?? loaded.error} />
      {m ? (
        <div className="cards">
          <StatCard label="Success rate" value={percent(m.success_rate)} hint={`${m.delivered} delivered, ${m.dead_lettered} dead-lettered, ${m.pending} pending`} />
          <StatCard label="Attempts" value={String(m.attempts)} />
          <StatCard label="p95 latency" value={millis(m.latency_ms.p95)} />
          <StatCard label="p99 latency" value={millis(m.latency_ms.p99)} />
        </div>
      ) : null}
      <h4>Delivery history{loaded.data?.more ? <span className="muted small"> (the {HISTORY} newest)</span> : null}</h4>
      <DataTable columns={['Delivery', 'Event type', 'Status', 'Attempts (code, latency)', 'Created']} count={loaded.data?.deliveries.length} empty="No deliveries yet: create an event this webhook subscribes to.">
        {loaded.data?.deliveries.map((d) => (
          <tr key={d.delivery_id}>
            <td className="mono">{d.delivery_id}</td>
            <td>{d.event_type ?? '—'}</td>
            <td>
              <span className={`badge ${d.status}`}>{d.status}</span>
            </td>
            <td>
              {d.attempts.length === 0
                ? '—'
                : d.attempts.map((a) => `#${a.attempt} ${a.status_code ?? a.error_class ?? 'error'} ${millis(a.latency_ms)}`).join(' · ')}
            </td>
            <td>{utc(d.created_at)}</td>
          </tr>
        ))}
      </DataTable>
    </section>
  );
}

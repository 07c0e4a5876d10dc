// Prometheus metrics for webhook delivery: outcomes, attempt latency, and queue and DLQ depth. The DLQ
// is counted only when metrics are scraped, and at most every 5 s, so an idle scraper costs nothing
// and a busy one cannot load the store.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface WebhookMetrics {
  deliveries: Counter<'outcome'>;
  attemptDuration: Histogram<'result'>;
  queueDepth: Gauge;
  dlqDepth: Gauge;
  fanoutLag: Gauge;
  /** Events fanned out, by how they came: handed (stored by this process, or over the wake stream) or read from the outbox. */
  fanoutEvents: Counter<'source'>;
}

const DLQ_COUNT_MAX_AGE_MS = 5_000;

/** `countDlq` is called from the DLQ gauge's collect, cached for 5 s; a failed count keeps the last value. */
export function createWebhookMetrics(registry: Registry, countDlq: () => Promise<number>): WebhookMetrics {
  let countedAt = -Infinity;
  return {
    deliveries: new Counter({
      name: 'webhook_deliveries_total',
      help: 'Webhook delivery attempts by outcome (delivered, retry, dead_letter, cancelled)',
      labelNames: ['outcome'],
      registers: [registry],
    }),
    attemptDuration: new Histogram({
      name: 'webhook_attempt_duration_seconds',
      help: 'Duration of one delivery attempt, by result class',
      labelNames: ['result'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    queueDepth: new Gauge({ name: 'webhook_queue_depth', help: 'Deliveries due now (sampled)', registers: [registry] }),
    dlqDepth: new Gauge({
      name: 'webhook_dlq_depth',
      help: 'Entries in the dead-letter queue (counted at most every 5 s, on scrape)',
      registers: [registry],
      async collect() {
        if (Date.now() - countedAt < DLQ_COUNT_MAX_AGE_MS) return;
        countedAt = Date.now();
        this.set(await countDlq().catch(() => this.get().then((g) => g.values[0]?.value ?? 0)));
      },
    }),
    fanoutLag: new Gauge({ name: 'webhook_fanout_lag_seconds', help: 'Age of the oldest event waiting for fan-out', registers: [registry] }),
    fanoutEvents: new Counter({
      name: 'webhook_fanout_events_total',
      help: 'Events fanned out, by source: handed (no outbox read, no existence check) or outbox',
      labelNames: ['source'],
      registers: [registry],
    }),
  };
}

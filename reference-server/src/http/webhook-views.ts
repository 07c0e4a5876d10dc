// What the API shows of deliveries, and per-webhook delivery metrics computed from attempt history.
import type { DeliveryRecord } from '../domain/delivery.js';

export function deliveryView(d: DeliveryRecord) {
  return {
    delivery_id: d.delivery_id,
    webhook_id: d.webhook_id,
    event_id: d.event_id,
    event_type: d.event_type,
    status: d.status,
    attempt_count: d.attempt_count,
    attempts: d.attempts ?? [],
    last_error: d.last_error,
    created_at: d.created_at,
    updated_at: d.updated_at,
    completed_at: d.completed_at,
  };
}

/** Success rate over finished deliveries, latency percentiles over attempts, errors by class. */
export function webhookMetrics(deliveries: readonly DeliveryRecord[]) {
  const attempts = deliveries.flatMap((d) => d.attempts ?? []);
  const latencies = attempts.map((a) => a.latency_ms).sort((a, b) => a - b);
  const finished = deliveries.filter((d) => d.status === 'delivered' || d.status === 'dead');
  const errors: Record<string, number> = {};
  for (const a of attempts) if (a.error_class) errors[a.error_class] = (errors[a.error_class] ?? 0) + 1;
  const pct = (p: number) => (latencies.length ? latencies[Math.min(latencies.length - 1, Math.ceil((p / 100) * latencies.length) - 1)]! : null);
  const byStatus = (s: string) => deliveries.filter((d) => d.status === s).length;
  return {
    total_deliveries: deliveries.length,
    delivered: byStatus('delivered'),
    dead_lettered: byStatus('dead'),
    pending: byStatus('pending'),
    success_rate: finished.length ? byStatus('delivered') / finished.length : null,
    attempts: attempts.length,
    latency_ms: {
      avg: latencies.length ? latencies.reduce((a, b) => a + b, 0) / latencies.length : null,
      p95: pct(95),
      p99: pct(99),
    },
    error_distribution: errors,
  };
}

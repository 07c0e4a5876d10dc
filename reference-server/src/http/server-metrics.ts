// The server's Prometheus metrics, on a registry of its own so several servers can share a process
// (tests) without clashing.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface ServerMetrics {
  registry: Registry;
  httpDuration: Histogram<'method' | 'route' | 'status'>;
  eventsCreated: Counter;
  /** Worker processes following this server's wake stream. */
  wakeSubscribers: Gauge;
  /** Writes of part-written event batches given up (store/batch-completer.ts). */
  eventWritesAbandoned: Counter;
}

/**
 * Creates the registry and the core metrics; `processMetrics` adds Node's default ones, `unfinishedWrites`
 * reads how many writes of part-written event batches are still being finished, when scraped.
 */
export function createServerMetrics(opts: { processMetrics?: boolean; unfinishedWrites?: () => number } = {}): ServerMetrics {
  const unfinishedWrites = opts.unfinishedWrites;
  const registry = new Registry();
  if (opts.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const metrics: ServerMetrics = {
    registry,
    httpDuration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request duration by route template and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    eventsCreated: new Counter({ name: 'events_created_total', help: 'Events accepted', registers: [registry] }),
    wakeSubscribers: new Gauge({ name: 'worker_wake_subscribers', help: 'Worker processes following the wake stream (GET /_workers/wake)', registers: [registry] }),
    eventWritesAbandoned: new Counter({ name: 'event_writes_abandoned_total', help: 'Writes of part-written event batches given up after 5 minutes of retries', registers: [registry] }),
  };
  new Gauge({
    name: 'event_writes_unfinished',
    help: 'Writes of part-written event batches (creates without a key) still being finished in the background',
    registers: [registry],
    collect() {
      this.set(unfinishedWrites?.() ?? 0);
    },
  });
  return metrics;
}

// Byte counters per proxy and direction, rendered in Prometheus text format for GET /metrics with
// Toxiproxy's metric names and labels (direction, listener, proxy, upstream).
import type { ByteCounters } from './link.js';

/** Labels of one counter pair, as Toxiproxy names them. */
export interface MetricLabels {
  direction: 'upstream' | 'downstream';
  listener: string;
  proxy: string;
  upstream: string;
}

const escape = (value: string): string => value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** Counts bytes received from and sent to each side; links add to the counters directly (cheap). */
export class ProxyMetrics {
  private readonly series = new Map<string, { labels: MetricLabels; counters: ByteCounters }>();

  /** The live counters for `labels`, created at zero on first use. */
  counters(labels: MetricLabels): ByteCounters {
    const key = JSON.stringify([labels.direction, labels.listener, labels.proxy, labels.upstream]);
    let entry = this.series.get(key);
    if (!entry) this.series.set(key, (entry = { labels, counters: { received: 0, sent: 0 } }));
    return entry.counters;
  }

  /** The Prometheus exposition text. */
  render(): string {
    const lines: string[] = [];
    const metric = (name: string, help: string, pick: (c: ByteCounters) => number): void => {
      lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`);
      for (const { labels, counters } of this.series.values()) {
        const text = (['direction', 'listener', 'proxy', 'upstream'] as const)
          .map((k) => `${k}="${escape(labels[k])}"`)
          .join(',');
        lines.push(`${name}{${text}} ${pick(counters)}`);
      }
    };
    metric('toxiproxy_proxy_received_bytes_total', 'The total bytes received from a source.', (c) => c.received);
    metric('toxiproxy_proxy_sent_bytes_total', 'The total bytes sent to a destination.', (c) => c.sent);
    return `${lines.join('\n')}\n`;
  }
}

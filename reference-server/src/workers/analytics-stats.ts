// Request and delivery outcomes for analytics. Recording is a few additions in memory; every second
// the recorder flushes one stats fact per (tenant, hour) into the outbox, where the processor counts
// it exactly once like an event. Writing a row per request would cost a DynamoDB write per request;
// the price of batching is that a crash loses at most the last unflushed second of these statistics
// (never an event). A failed flush keeps its buckets for the next one.
import { encodeHistogram, HOUR_MS, mergeHistograms, newHistogram, periodsOf, type StatsFact } from '../domain/analytics.js';
import type { Histogram } from 'hdr-histogram-js';
import { iso, type Clock } from '../domain/clock.js';

/** A stats fact being gathered: its counts, with the latency histogram still open. */
interface Bucket extends Omit<StatsFact, 'kind' | 'id' | 'latency_histogram'> {
  latency: Histogram;
  /** Histograms of failed flushes, carried forward. */
  carried: string;
}

export class StatsRecorder {
  private buckets = new Map<string, Bucket>();

  constructor(
    private readonly clock: Clock,
    private readonly nextId: () => string,
  ) {}

  /** One API request of `tenantId` answered with `status` after `durationMs`. */
  request(tenantId: string, status: number, durationMs: number): void {
    const b = this.bucket(tenantId);
    b.request_count++;
    if (status >= 400) b.request_error_count++;
    b.latency.recordValue(Math.max(1, Math.round(durationMs * 1000)));
  }

  /** One webhook delivery attempt for `tenantId`. */
  deliveryAttempt(tenantId: string, ok: boolean): void {
    const b = this.bucket(tenantId);
    b.delivery_count++;
    if (!ok) b.delivery_error_count++;
  }

  /** Hands every bucket to `write` as a fact; buckets whose write fails are kept for the next flush. */
  async flush(write: (fact: StatsFact) => Promise<void>): Promise<void> {
    const taken = [...this.buckets.values()];
    this.buckets = new Map();
    await Promise.all(
      taken.map(async (b) => {
        const fact: StatsFact = {
          kind: 'stats',
          id: this.nextId(),
          tenant_id: b.tenant_id,
          hour: `${b.hour}:00:00.000Z`,
          request_count: b.request_count,
          request_error_count: b.request_error_count,
          delivery_count: b.delivery_count,
          delivery_error_count: b.delivery_error_count,
          latency_histogram: mergeHistograms(encodeHistogram(b.latency), b.carried),
        };
        try {
          await write(fact);
        } catch {
          this.carry(b, fact);
        }
      }),
    );
  }

  get pending(): number {
    return this.buckets.size;
  }

  private carry(b: Bucket, fact: StatsFact): void {
    const into = this.bucketFor(b.tenant_id, b.hour);
    into.request_count += fact.request_count;
    into.request_error_count += fact.request_error_count;
    into.delivery_count += fact.delivery_count;
    into.delivery_error_count += fact.delivery_error_count;
    into.carried = mergeHistograms(into.carried, fact.latency_histogram);
  }

  private bucket(tenantId: string): Bucket {
    return this.bucketFor(tenantId, this.hourOf(this.clock.now()));
  }

  /** The last hour a reading fell in: every request and attempt asks, and the hour rarely changes. */
  private lastHour = { start: NaN, text: '' };

  /** The hourly period of `ms` (`periodsOf(iso(ms)).hourly`), formatted once per hour. */
  private hourOf(ms: number): string {
    const start = ms - (((ms % HOUR_MS) + HOUR_MS) % HOUR_MS);
    if (start !== this.lastHour.start) this.lastHour = { start, text: periodsOf(iso(start)).hourly };
    return this.lastHour.text;
  }

  private bucketFor(tenantId: string, hour: string): Bucket {
    const key = `${tenantId}#${hour}`;
    let b = this.buckets.get(key);
    if (!b) {
      b = { tenant_id: tenantId, hour, request_count: 0, request_error_count: 0, delivery_count: 0, delivery_error_count: 0, latency: newHistogram(), carried: '' };
      this.buckets.set(key, b);
    }
    return b;
  }
}

/** Flushes `recorder` every `intervalMs` (and once more on stop) until stopped. */
export function startStatsFlusher(recorder: StatsRecorder, write: (fact: StatsFact) => Promise<void>, intervalMs: number): { stop(): Promise<void> } {
  let flushing: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    flushing = flushing.then(() => recorder.flush(write));
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await flushing;
      await recorder.flush(write);
    },
  };
}

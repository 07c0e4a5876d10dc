// Request and delivery outcomes for analytics. Recording is a few additions in memory; every second
// the recorder flushes one stats fact per (tenant, hour) into the outbox, where the processor counts
// it exactly once like an event. Writing a row per request would cost a DynamoDB write per request;
// the price of batching is that a crash loses at most the last unflushed second of these statistics
// (never an event). A fact whose write failed may still have landed (its answer lost), so it is written
// again as it was, the same id and counts, which the processor counts once however often it lands;
// meanwhile its tenant and hour gather into a bucket of their own, sent once that fact is through.
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
  /** Facts whose write failed, by bucket key: written again as they are before that key's next fact. */
  private unsent = new Map<string, StatsFact>();

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

  /**
   * Hands every bucket to `write` as a fact. A fact whose write fails is kept and written again, as it
   * is, at the next flush; its key's newer counts wait in their bucket until it is through.
   */
  async flush(write: (fact: StatsFact) => Promise<void>): Promise<void> {
    const taken = this.buckets;
    this.buckets = new Map();
    const keys = new Set([...this.unsent.keys(), ...taken.keys()]);
    await Promise.all(
      [...keys].map(async (key) => {
        const stuck = this.unsent.get(key);
        const b = taken.get(key);
        if (stuck) {
          try {
            await write(stuck);
            this.unsent.delete(key);
          } catch {
            if (b) this.putBack(b);
            return;
          }
        }
        if (!b) return;
        const fact = this.factOf(b);
        try {
          await write(fact);
        } catch {
          this.unsent.set(key, fact);
        }
      }),
    );
  }

  /** Buckets and unsent facts still to be written. */
  get pending(): number {
    return this.buckets.size + this.unsent.size;
  }

  private factOf(b: Bucket): StatsFact {
    return {
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
  }

  /** Returns a bucket not yet sent to the counts gathered since it was taken. */
  private putBack(b: Bucket): void {
    const into = this.bucketFor(b.tenant_id, b.hour);
    into.request_count += b.request_count;
    into.request_error_count += b.request_error_count;
    into.delivery_count += b.delivery_count;
    into.delivery_error_count += b.delivery_error_count;
    into.carried = mergeHistograms(into.carried, mergeHistograms(encodeHistogram(b.latency), b.carried));
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

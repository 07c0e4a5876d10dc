// The run's measurements, fed as outcomes happen: 1 s buckets per operation by intended start and
// 1 s buckets of deliveries by arrival. Memory grows with buckets, never with requests.
import { DeliveryBucket } from './delivery-bucket.js';
import { OpBucket } from './op-bucket.js';
import type { DeliveryBucketStats, DeliveryOutcome, OpBucketStats, OpOutcome } from './outcome.js';

/** Bucket width: SPEC §5.2 measures in 1 s buckets. */
export const BUCKET_MS = 1000;

/** A half-open time window in ms since run start; it holds the buckets whose start lies inside. */
export interface Window {
  start: number;
  end: number;
}

/** The bucket index an instant falls into. */
export function bucketOf(ms: number): number {
  return Math.floor(ms / BUCKET_MS);
}

/** The bucket indexes a window holds, in order. */
export function secondsIn(window: Window): number[] {
  const out: number[] = [];
  for (let s = Math.ceil(window.start / BUCKET_MS); s * BUCKET_MS < window.end; s++) out.push(s);
  return out;
}

/**
 * Streaming measurements for one run.
 * @example
 * const m = new Measurements();
 * m.recordOp({ op: 'create_event', intended: 1200, end: 1235, ok: true, status: 201 });
 * m.opWindow('create_event', { start: 0, end: 10_000 }).success_rate // 1
 */
export class Measurements {
  private readonly byOp = new Map<string, Map<number, OpBucket>>();
  private readonly deliveries = new Map<number, DeliveryBucket>();

  /** Adds an operation's outcome to the bucket of its intended start. */
  recordOp(outcome: OpOutcome): void {
    let buckets = this.byOp.get(outcome.op);
    if (!buckets) this.byOp.set(outcome.op, (buckets = new Map()));
    const second = bucketOf(outcome.intended);
    let bucket = buckets.get(second);
    if (!bucket) buckets.set(second, (bucket = new OpBucket()));
    bucket.record(outcome);
  }

  /** Adds a delivery to the bucket of its arrival. */
  recordDelivery(delivery: DeliveryOutcome): void {
    const second = bucketOf(delivery.arrived);
    let bucket = this.deliveries.get(second);
    if (!bucket) this.deliveries.set(second, (bucket = new DeliveryBucket()));
    bucket.record(delivery);
  }

  /** The operations seen so far, sorted. */
  ops(): string[] {
    return [...this.byOp.keys()].sort();
  }

  /** One operation's buckets, by second (only the buckets that saw an outcome). */
  opBuckets(op: string): OpBucketStats[] {
    const buckets = this.byOp.get(op) ?? new Map<number, OpBucket>();
    return [...buckets.entries()].sort(([a], [b]) => a - b).map(([second, bucket]) => bucket.stats(op, second));
  }

  /** The delivery buckets, by second. */
  deliveryBuckets(): DeliveryBucketStats[] {
    return [...this.deliveries.entries()].sort(([a], [b]) => a - b).map(([second, bucket]) => bucket.stats(second));
  }

  /** One operation over a window, merged exactly (rate per second of the window). */
  opWindow(op: string, window: Window): OpBucketStats {
    const merged = new OpBucket();
    const buckets = this.byOp.get(op);
    const seconds = secondsIn(window);
    for (const s of seconds) {
      const bucket = buckets?.get(s);
      if (bucket) merged.merge(bucket);
    }
    return merged.stats(op, seconds[0] ?? bucketOf(window.start), seconds.length);
  }

  /** Deliveries over a window, merged exactly. */
  deliveryWindow(window: Window): DeliveryBucketStats {
    const merged = new DeliveryBucket();
    const seconds = secondsIn(window);
    for (const s of seconds) {
      const bucket = this.deliveries.get(s);
      if (bucket) merged.merge(bucket);
    }
    return merged.stats(seconds[0] ?? bucketOf(window.start));
  }
}

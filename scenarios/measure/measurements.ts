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
 *
 * A second that holds a cut (a phase boundary that is not a whole second, say) is kept as two or
 * more parts, so a window from one cut to another holds exactly the outcomes between them: a
 * 1.5 s baseline is judged on its own 1.5 s, not on 2 s that reach into the fault. Per-second
 * readings (charts, timelines) merge a second's parts.
 * @example
 * const m = new Measurements([1500]);
 * m.recordOp({ op: 'create_event', intended: 1200, end: 1235, ok: true, status: 201 });
 * m.opWindow('create_event', { start: 0, end: 1500 }).success_rate // 1
 */
export class Measurements {
  /** Per operation, its buckets by start (ms): whole seconds, and the parts of seconds that hold a cut. */
  private readonly byOp = new Map<string, Map<number, OpBucket>>();
  private readonly deliveries = new Map<number, DeliveryBucket>();
  /** The cuts inside each second (not on its start), ascending. */
  private readonly cuts = new Map<number, number[]>();

  constructor(cuts: readonly number[] = []) {
    for (const cut of [...new Set(cuts)].sort((a, b) => a - b)) {
      if (!(cut > 0) || cut % BUCKET_MS === 0) continue;
      const second = bucketOf(cut);
      this.cuts.set(second, [...(this.cuts.get(second) ?? []), cut]);
    }
  }

  /** Adds an operation's outcome to the bucket of its intended start. */
  recordOp(outcome: OpOutcome): void {
    let buckets = this.byOp.get(outcome.op);
    if (!buckets) this.byOp.set(outcome.op, (buckets = new Map()));
    const start = this.bucketStart(outcome.intended);
    let bucket = buckets.get(start);
    if (!bucket) buckets.set(start, (bucket = new OpBucket()));
    bucket.record(outcome);
  }

  /** Adds a delivery to the bucket of its arrival. */
  recordDelivery(delivery: DeliveryOutcome): void {
    const start = this.bucketStart(delivery.arrived);
    let bucket = this.deliveries.get(start);
    if (!bucket) this.deliveries.set(start, (bucket = new DeliveryBucket()));
    bucket.record(delivery);
  }

  /** The operations seen so far, sorted. */
  ops(): string[] {
    return [...this.byOp.keys()].sort();
  }

  /** One operation's buckets, by second (only the seconds that saw an outcome). */
  opBuckets(op: string): OpBucketStats[] {
    return this.bySecond(this.byOp.get(op), () => new OpBucket()).map(([second, bucket]) => bucket.stats(op, second));
  }

  /** The delivery buckets, by second. */
  deliveryBuckets(): DeliveryBucketStats[] {
    return this.bySecond(this.deliveries, () => new DeliveryBucket()).map(([second, bucket]) => bucket.stats(second));
  }

  /** One operation over a window, merged exactly (rate per second of the window). */
  opWindow(op: string, window: Window): OpBucketStats {
    const merged = new OpBucket();
    const span = this.span(window);
    this.eachIn(this.byOp.get(op), span, (bucket) => merged.merge(bucket));
    return merged.stats(op, bucketOf(span.from), (span.to - span.from) / BUCKET_MS);
  }

  /** Deliveries over a window, merged exactly. */
  deliveryWindow(window: Window): DeliveryBucketStats {
    const merged = new DeliveryBucket();
    const span = this.span(window);
    this.eachIn(this.deliveries, span, (bucket) => merged.merge(bucket));
    return merged.stats(bucketOf(span.from));
  }

  /** How many seconds of measurement a window holds (whole seconds, or parts of one at a cut). */
  secondsOf(window: Window): number {
    const span = this.span(window);
    return (span.to - span.from) / BUCKET_MS;
  }

  /** The start of the bucket an instant falls into: its second's, or the last cut before it in that second. */
  private bucketStart(ms: number): number {
    let start = bucketOf(ms) * BUCKET_MS;
    for (const cut of this.cuts.get(bucketOf(ms)) ?? []) if (cut <= ms) start = cut;
    return start;
  }

  /** The first bucket boundary at or after an instant. */
  private boundaryFrom(ms: number): number {
    const second = bucketOf(ms);
    if (ms === second * BUCKET_MS) return ms;
    for (const cut of this.cuts.get(second) ?? []) if (cut >= ms) return cut;
    return (second + 1) * BUCKET_MS;
  }

  /** The buckets a window holds, those starting in it, as the boundaries they run between. */
  private span(window: Window): { from: number; to: number } {
    const from = this.boundaryFrom(window.start);
    return { from, to: Math.max(from, this.boundaryFrom(window.end)) };
  }

  /** Calls `visit` with each bucket that starts within [from, to). */
  private eachIn<B>(buckets: Map<number, B> | undefined, span: { from: number; to: number }, visit: (bucket: B) => void): void {
    if (!buckets) return;
    for (let second = bucketOf(span.from); second * BUCKET_MS < span.to; second++) {
      for (const start of [second * BUCKET_MS, ...(this.cuts.get(second) ?? [])]) {
        const bucket = start >= span.from && start < span.to ? buckets.get(start) : undefined;
        if (bucket) visit(bucket);
      }
    }
  }

  /** Buckets merged by second, in order. */
  private bySecond<B extends { merge(other: B): void }>(buckets: Map<number, B> | undefined, empty: () => B): [number, B][] {
    const seconds = new Map<number, B[]>();
    for (const [start, bucket] of buckets ?? []) seconds.set(bucketOf(start), [...(seconds.get(bucketOf(start)) ?? []), bucket]);
    return [...seconds.entries()]
      .sort(([a], [b]) => a - b)
      .map(([second, parts]) => {
        if (parts.length === 1) return [second, parts[0]!];
        const merged = empty();
        for (const part of parts) merged.merge(part);
        return [second, merged];
      });
  }
}

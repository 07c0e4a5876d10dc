// The running totals of webhook deliveries over one bucket (by arrival) or a merged window: how
// many arrived, how many the receiver accepted, and the lag of the accepted ones.
import { newLatencyHistogram, percentilesMs, recordMs, type LatencyHistogram } from './latency-histogram.js';
import type { DeliveryBucketStats, DeliveryOutcome } from './outcome.js';

/** Accumulates deliveries; {@link DeliveryBucket.stats} reads it out. */
export class DeliveryBucket {
  received = 0;
  accepted = 0;
  readonly lag: LatencyHistogram = newLatencyHistogram();

  /** Adds one delivery; only accepted ones contribute a lag (a refused one was not delivered). */
  record(delivery: DeliveryOutcome): void {
    this.received++;
    if (!delivery.accepted) return;
    this.accepted++;
    recordMs(this.lag, delivery.arrived - delivery.intended);
  }

  /** Adds another bucket's totals into this one. */
  merge(other: DeliveryBucket): void {
    this.received += other.received;
    this.accepted += other.accepted;
    this.lag.add(other.lag);
  }

  /** Reads the totals out for the bucket (or window) starting at `second`. */
  stats(second: number): DeliveryBucketStats {
    return { second, received: this.received, accepted: this.accepted, lag: percentilesMs(this.lag) };
  }
}

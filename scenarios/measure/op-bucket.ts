// The running totals for one operation over one bucket (or a merged window of buckets): counts,
// statuses and a latency histogram. Memory is per bucket, whatever the request rate.
import { newLatencyHistogram, percentilesMs, recordMs, type LatencyHistogram } from './latency-histogram.js';
import type { OpBucketStats, OpOutcome } from './outcome.js';

/** Accumulates outcomes of one operation; {@link OpBucket.stats} reads it out. */
export class OpBucket {
  count = 0;
  ok = 0;
  failed = 0;
  dropped = 0;
  cancelled = 0;
  /** How long the longest-waiting cancelled request had been waiting (from its intended start) when cancelled. */
  cancelledLongestMs = 0;
  readonly statuses: Record<string, number> = {};
  readonly latency: LatencyHistogram = newLatencyHistogram();

  /** Adds one outcome. */
  record(outcome: OpOutcome): void {
    // The runner's own cancellation says nothing of the service: no count, no status, no latency.
    if (outcome.cancelled) {
      this.cancelled++;
      this.cancelledLongestMs = Math.max(this.cancelledLongestMs, outcome.end - outcome.intended);
      return;
    }
    this.count++;
    if (outcome.dropped) {
      this.dropped++;
      this.bump('dropped', 1);
      return;
    }
    if (outcome.ok) this.ok++;
    else this.failed++;
    this.bump(String(outcome.status ?? 0), 1);
    recordMs(this.latency, outcome.end - outcome.intended);
  }

  /** Adds another bucket's totals into this one (histograms add exactly). */
  merge(other: OpBucket): void {
    this.count += other.count;
    this.ok += other.ok;
    this.failed += other.failed;
    this.dropped += other.dropped;
    this.cancelled += other.cancelled;
    this.cancelledLongestMs = Math.max(this.cancelledLongestMs, other.cancelledLongestMs);
    for (const [status, n] of Object.entries(other.statuses)) this.bump(status, n);
    this.latency.add(other.latency);
  }

  /**
   * Reads the totals out.
   * @param second the bucket index (or the window's first second).
   * @param seconds the window's length in seconds, for the rate.
   */
  stats(op: string, second: number, seconds = 1): OpBucketStats {
    return {
      second,
      op,
      count: this.count,
      ok: this.ok,
      failed: this.failed,
      dropped: this.dropped,
      cancelled: this.cancelled,
      ...(this.cancelled > 0 ? { cancelled_longest_ms: this.cancelledLongestMs } : {}),
      rate: seconds > 0 ? this.count / seconds : 0,
      success_rate: this.count === 0 ? null : this.ok / this.count,
      statuses: { ...this.statuses },
      latency: percentilesMs(this.latency),
    };
  }

  private bump(status: string, n: number): void {
    this.statuses[status] = (this.statuses[status] ?? 0) + n;
  }
}

// Which worker process fans out, and until when its writes are safe. Fan-out creates deliveries with
// unconditional BatchWriteItem after checking (BatchGetItem) which exist, and attempts new deliveries
// before storing them; that is only safe while no other process runs the same check-then-write, so
// one process at a time holds a lease for it. The lease lasts 2 × the admit margin, or longer when
// an attempt (`holdMs`) plus both margins need more, and is renewed once it is a second old: one
// conditional write a second while fan-out runs, however many deliveries, so a batch handed off
// always has a whole attempt's time left. A process that does not hold it asks again every second.
import type { FanoutLeaseStore } from '../store/fanout-lease-store.js';
import { fencedDeadline, type FenceMargins } from './delivery-fence.js';

/** How often a process without the lease tries to take it (it may have run out or been released). */
export const FANOUT_LEASE_RETRY_MS = 1_000;
/** How old the lease may get before the holder renews it. */
export const FANOUT_LEASE_RENEW_MS = 1_000;

export class FanoutLease {
  /** End of the lease on this process's clock; 0 while not held. */
  private until = 0;
  private nextTryAt = 0;
  /** performance.now() when this process's current unbroken hold began; undefined while not held. */
  private tenure: number | undefined;
  /** performance.now() just before the last successful acquire or renewal was sent. */
  private lastSentMono = -Infinity;

  constructor(
    private readonly store: FanoutLeaseStore,
    private readonly holder: string,
    private readonly now: () => number,
    private readonly margins: FenceMargins,
    /** Lease time a fan-out attempt needs before the write deadline (default 0: no fast attempts). */
    private readonly holdMs = 0,
  ) {}

  /**
   * Lease length: at least the admit margin twice over, so a renewed lease always leaves room to
   * write; and long enough that, one renewal period in, `holdMs` plus the guard margin (time to wait
   * for a free slot) is left before the write deadline.
   */
  get lengthMs(): number {
    return Math.max(2 * this.margins.admitMs, FANOUT_LEASE_RENEW_MS + this.margins.admitMs + this.holdMs);
  }

  /**
   * Makes sure this process holds the lease with at least the admit margin left, renewing or taking
   * it when due. Returns the deadline (on this clock) for fan-out's unconditional writes, or
   * `undefined` when another process holds it. Store errors propagate (the loop backs off).
   */
  async writeDeadline(): Promise<number | undefined> {
    const now = this.now();
    if (this.until - now >= this.lengthMs - FANOUT_LEASE_RENEW_MS) return this.until - this.margins.guardMs;
    if (this.until <= now && now < this.nextTryAt) return undefined;
    const until = now + this.lengthMs;
    const wasHeld = this.until > now;
    const sentMono = performance.now();
    if (await this.store.acquire(this.holder, now, until)) {
      // Unbroken only if the previous hold had not run out, on this clock nor by elapsed time, when
      // this renewal returned; otherwise another process may have held it in between, and a new hold
      // begins — timed once the write returned, so later than the moment the lease became ours.
      const afterMono = performance.now();
      if (!wasHeld || this.tenure === undefined || afterMono >= this.lastSentMono + this.lengthMs - this.margins.admitMs) this.tenure = afterMono;
      this.lastSentMono = sentMono;
      this.until = until;
    } else {
      this.until = 0;
      this.tenure = undefined;
      this.nextTryAt = this.now() + FANOUT_LEASE_RETRY_MS;
    }
    return fencedDeadline(this.until, this.now(), this.margins);
  }

  /**
   * When (performance.now()) this process's current unbroken hold began, or undefined while it does
   * not hold the lease. No other process fanned out an outbox row stored after that moment.
   */
  heldSince(): number | undefined {
    return this.until > this.now() ? this.tenure : undefined;
  }

  /** Gives the lease up, best effort and bounded (a store that is down just lets it run out). */
  async release(timeoutMs = 2_000): Promise<void> {
    if (this.until === 0) return;
    this.until = 0;
    this.tenure = undefined;
    await this.store.release(this.holder, AbortSignal.timeout(timeoutMs)).catch(() => undefined);
  }
}

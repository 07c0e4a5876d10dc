// Which worker process fans out, and until when its writes are safe. Fan-out creates deliveries with
// unconditional BatchWriteItem after checking (BatchGetItem) which exist; that is only safe while no
// other process runs the same check-then-write, so one process at a time holds a lease for it. The
// lease lasts 2 × the admit margin and is renewed once less than 1.5 × is left: one conditional write
// every few seconds, however many deliveries. A process that does not hold it asks again every second.
import type { FanoutLeaseStore } from '../store/fanout-lease-store.js';
import { fencedDeadline, type FenceMargins } from './delivery-fence.js';

/** How often a process without the lease tries to take it (it may have run out or been released). */
export const FANOUT_LEASE_RETRY_MS = 1_000;

export class FanoutLease {
  /** End of the lease on this process's clock; 0 while not held. */
  private until = 0;
  private nextTryAt = 0;

  constructor(
    private readonly store: FanoutLeaseStore,
    private readonly holder: string,
    private readonly now: () => number,
    private readonly margins: FenceMargins,
  ) {}

  /** Lease length: the admit margin twice over, so a renewed lease always leaves room to write. */
  get lengthMs(): number {
    return 2 * this.margins.admitMs;
  }

  /**
   * Makes sure this process holds the lease with at least the admit margin left, renewing or taking
   * it when due. Returns the deadline (on this clock) for fan-out's unconditional writes, or
   * `undefined` when another process holds it. Store errors propagate (the loop backs off).
   */
  async writeDeadline(): Promise<number | undefined> {
    const now = this.now();
    if (this.until - now >= 1.5 * this.margins.admitMs) return this.until - this.margins.guardMs;
    if (this.until <= now && now < this.nextTryAt) return undefined;
    const until = now + this.lengthMs;
    if (await this.store.acquire(this.holder, now, until)) {
      this.until = until;
    } else {
      this.until = 0;
      this.nextTryAt = this.now() + FANOUT_LEASE_RETRY_MS;
    }
    return fencedDeadline(this.until, this.now(), this.margins);
  }

  /** Gives the lease up, best effort and bounded (a store that is down just lets it run out). */
  async release(timeoutMs = 2_000): Promise<void> {
    if (this.until === 0) return;
    this.until = 0;
    await this.store.release(this.holder, AbortSignal.timeout(timeoutMs)).catch(() => undefined);
  }
}

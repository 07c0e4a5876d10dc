// Group commit for settled deliveries: whole items from many concurrent attempts share BatchWriteItem
// calls. When nothing is being written a put waits up to `gatherMs` for others (none by default: the
// next turn), a full batch goes at once; while a write is in flight, puts gather into the next one,
// which starts as soon as that write is over, and a second write starts only for a full batch. Each put
// carries the deadline its lease allows, and one whose deadline is near cuts the gathering short.
import { BATCH_WRITE_MAX } from './batch-write.js';

/** Writes up to 25 whole items; rejects if any may not have landed. `signal` aborts further sending. */
export type ItemWriter = (items: readonly Record<string, unknown>[], signal: AbortSignal) => Promise<void>;

interface Pending {
  item: Record<string, unknown>;
  deadline: number;
  resolve: (landed: boolean) => void;
}

export interface DeliveryWriteCoalescerOptions {
  write: ItemWriter;
  /** The lease holder's clock (deadlines are on it). */
  now: () => number;
  /** Writes in flight at most (default 2); beyond the first, only full batches start. */
  maxInFlight?: number;
  /**
   * Longest a put waits for others to share its write when none is in flight (default 0: the next
   * turn). A settle is recorded after its receipt, so waiting delays no delivery; at a few deliveries
   * per gather time it saves a call for each that shares one.
   */
  gatherMs?: number;
  /** Told about failed writes (their puts resolve `false`). */
  onError?: (err: unknown) => void;
}

export class DeliveryWriteCoalescer {
  private queue: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly maxInFlight: number;
  private readonly gatherMs: number;

  constructor(private readonly opts: DeliveryWriteCoalescerOptions) {
    this.maxInFlight = opts.maxInFlight ?? 2;
    this.gatherMs = opts.gatherMs ?? 0;
  }

  /**
   * Queues `item` to be written before `deadline` (on `now()`'s clock). Resolves `true` once it
   * landed; `false` if it could not be sent in time or its write failed — then it may or may not
   * have landed, and the caller falls back to a conditional write. Never rejects.
   */
  put(item: Record<string, unknown>, deadline: number): Promise<boolean> {
    return new Promise((resolve) => {
      this.queue.push({ item, deadline, resolve });
      this.schedule();
    });
  }

  /** Puts queued or being written. */
  get pending(): number {
    return this.queue.length + this.inFlight;
  }

  /** `afterWrite`: puts that waited behind a write go with the next turn; they have waited enough. */
  private schedule(afterWrite = false): void {
    if (this.scheduled || !this.mayStart()) return;
    if (!afterWrite && this.gathering()) {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, this.gatherMs);
      return;
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    this.scheduled = true;
    // One turn of the event loop lets settles finishing together share the write.
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  /** Whether a lone write should wait for company: idle, not full, and no deadline within a few gather times. */
  private gathering(): boolean {
    if (this.gatherMs <= 0 || this.inFlight > 0 || this.queue.length >= BATCH_WRITE_MAX) return false;
    const soonest = Math.min(...this.queue.map((p) => p.deadline));
    return soonest - this.opts.now() > this.gatherMs * 4;
  }

  private mayStart(): boolean {
    if (this.queue.length === 0) return false;
    if (this.inFlight === 0) return true;
    return this.inFlight < this.maxInFlight && this.queue.length >= BATCH_WRITE_MAX;
  }

  private flush(): void {
    while (this.mayStart()) {
      const now = this.opts.now();
      const batch: Pending[] = [];
      while (batch.length < BATCH_WRITE_MAX && this.queue.length > 0) {
        const p = this.queue.shift()!;
        if (p.deadline > now) batch.push(p);
        else p.resolve(false);
      }
      if (batch.length > 0) void this.send(batch, now);
    }
  }

  private async send(batch: Pending[], now: number): Promise<void> {
    this.inFlight++;
    const deadline = Math.min(...batch.map((p) => p.deadline));
    const signal = AbortSignal.timeout(Math.max(0, Math.floor(deadline - now)));
    let landed = false;
    try {
      await this.opts.write(
        batch.map((p) => p.item),
        signal,
      );
      landed = true;
    } catch (err) {
      this.opts.onError?.(err);
    } finally {
      this.inFlight--;
      for (const p of batch) p.resolve(landed);
      this.schedule(true);
    }
  }
}

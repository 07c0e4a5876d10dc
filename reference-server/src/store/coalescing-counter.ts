// Batches rate-limit increments per key and minute: while one UpdateItem for a key is in flight,
// later requests wait and go together as a single ADD n. Counting stays exact and shared across
// instances (every request is in DynamoDB before it is admitted), but a busy key costs one write
// per round trip instead of one per request, and its item is no longer a serialised hot spot.
import { windowAt, type RateWindow } from '../domain/rate-limit-tiers.js';
import type { RateLimitStore } from './rate-limit-store.js';

type Counts = Record<RateWindow, number>;
interface Batch {
  subject: string;
  nowMs: number;
  /** Someone waits for this batch's counts; otherwise it may wait for more increments. */
  urgent: boolean;
  timer?: NodeJS.Timeout;
  waiters: { resolve: (c: Counts) => void; reject: (e: unknown) => void }[];
}

/** How long a synced total may stand in for the shared count (other instances move it meanwhile). */
const FRESH_MS = 1_000;
/** How long increments nobody waits for collect before they are written. */
const DEFER_MS = 25;

export class CoalescingCounter {
  private readonly pending = new Map<string, Batch>();
  private readonly inFlight = new Map<string, number>();
  private readonly known = new Map<string, { counts: Counts; at: number }>();

  constructor(private readonly store: RateLimitStore) {}

  /**
   * The counts one more request would reach, from the last synced total plus this instance's
   * increments not yet confirmed; undefined when there is no total from the last second.
   */
  estimate(subject: string, nowMs: number): Counts | undefined {
    const key = `${subject}#${windowAt('minute', nowMs).index}`;
    const known = this.known.get(key);
    if (!known || nowMs - known.at >= FRESH_MS || nowMs < known.at) return undefined;
    const extra = (this.pending.get(key)?.waiters.length ?? 0) + (this.inFlight.get(key) ?? 0) + 1;
    return { minute: known.counts.minute + extra, hour: known.counts.hour + extra, day: known.counts.day + extra };
  }

  /**
   * Counts one request for `subject` at `nowMs` and resolves with the counts including it, as if it
   * had sent its own ADD 1 (each waiter in a batch gets a distinct position). Rejects when the store
   * fails. With `urgent` false (the caller does not wait), the write may be deferred by DEFER_MS to
   * carry more increments.
   */
  add(subject: string, nowMs: number, urgent = true): Promise<Counts> {
    const key = `${subject}#${windowAt('minute', nowMs).index}`;
    let batch = this.pending.get(key);
    if (!batch) {
      batch = { subject, nowMs, urgent: false, waiters: [] };
      this.pending.set(key, batch);
    }
    batch.urgent ||= urgent;
    const counted = new Promise<Counts>((resolve, reject) => batch.waiters.push({ resolve, reject }));
    this.schedule(key, batch);
    return counted;
  }

  private schedule(key: string, batch: Batch): void {
    if (this.inFlight.has(key)) return;
    if (batch.urgent) return this.flush(key);
    batch.timer ??= setTimeout(() => this.flush(key), DEFER_MS).unref();
  }

  private flush(key: string): void {
    if (this.inFlight.has(key)) return;
    const batch = this.pending.get(key);
    if (!batch) return;
    clearTimeout(batch.timer);
    this.pending.delete(key);
    const n = batch.waiters.length;
    this.inFlight.set(key, n);
    const settle = () => {
      this.inFlight.delete(key);
      const next = this.pending.get(key);
      if (next) this.schedule(key, next);
    };
    this.store.add(batch.subject, batch.nowMs, n).then(
      (total) => {
        this.known.set(key, { counts: total, at: batch.nowMs });
        if (this.known.size > 10_000) this.known.clear();
        // Settled before the waiters resume, so an estimate right after sees no phantom in-flight batch.
        settle();
        batch.waiters.forEach((w, i) => {
          const before = n - 1 - i;
          w.resolve({ minute: total.minute - before, hour: total.hour - before, day: total.day - before });
        });
      },
      (err: unknown) => {
        settle();
        batch.waiters.forEach((w) => w.reject(err));
      },
    );
  }
}

// Removes the handled outbox rows of several fan-out passes in one BatchWriteItem. At a few events per
// pass every pass used to pay a call of its own for one or two deletes; now removals gather for a few
// milliseconds, and a full batch's worth goes out at once. Meanwhile another write may take them along
// (`takeUpTo`): the settles of later deliveries, whose call has room to spare at a few deliveries per
// gather. A row may stay that much longer than its pass needs it: the pass keeps it out of the next
// reads until it is gone, and a crash before then only makes fan-out redo it, which creates nothing twice.
import { BATCH_WRITE_MAX } from './batch-write.js';

/** Deletes rows by sort key (at most 25 a call, as many calls as it takes); rejects if any may remain. */
export type RowRemover = (ids: readonly string[]) => Promise<void>;

interface Waiting {
  ids: readonly string[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class OutboxRemover {
  private queue: Waiting[] = [];
  private queued = 0;
  private timer: NodeJS.Timeout | undefined;

  /** `gatherMs`: longest a removal waits for others to share its call. */
  constructor(
    private readonly remove: RowRemover,
    private readonly gatherMs = 20,
  ) {}

  /** Resolves once every row in `ids` is removed; rejects (as its call did) if some may remain. */
  removeSoon(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.queue.push({ ids, resolve, reject });
      this.queued += ids.length;
      if (this.queued >= BATCH_WRITE_MAX) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.gatherMs);
    });
  }

  /**
   * Hands whole waiting removals of at most `max` rows in all to another write, which must call
   * `settle` once it landed (or with its error, if some may remain); `undefined` when none fits.
   */
  takeUpTo(max: number): { ids: string[]; settle: (err?: unknown) => void } | undefined {
    const taken: Waiting[] = [];
    let count = 0;
    while (this.queue.length > 0 && count + this.queue[0]!.ids.length <= max) {
      const w = this.queue.shift()!;
      taken.push(w);
      count += w.ids.length;
    }
    if (taken.length === 0) return undefined;
    this.queued -= count;
    if (this.queue.length === 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    return {
      ids: taken.flatMap((w) => w.ids),
      settle: (err) => taken.forEach((w) => (err === undefined ? w.resolve() : w.reject(err))),
    };
  }

  /** Sends everything waiting now (on shutdown, so nothing waits out the gather time). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue;
    this.queue = [];
    this.queued = 0;
    if (batch.length === 0) return;
    this.remove(batch.flatMap((w) => w.ids)).then(
      () => batch.forEach((w) => w.resolve()),
      (err: unknown) => batch.forEach((w) => w.reject(err)),
    );
  }
}

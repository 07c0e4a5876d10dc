// Runs async tasks one at a time, in the order they were queued. Proxy lifecycle changes (start, stop,
// update, create, delete, reset) go through one queue, so concurrent API calls cannot interleave
// inside a bind and leave a listener that no proxy owns.

/**
 * A FIFO of async tasks; each starts only after the previous one settled (a failed task does not
 * block the ones behind it). Written by hand: it is a single promise chain, and in a single-threaded
 * runtime that is all a mutex is, so a library would add a dependency for no extra guarantee.
 *
 * @example
 * const queue = new SerialQueue();
 * await Promise.all([queue.run(() => bind(a)), queue.run(() => bind(b))]); // b starts after a settles
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Queues `task`; resolves or rejects with its result once it has run. */
  run<T>(task: () => Promise<T> | T): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

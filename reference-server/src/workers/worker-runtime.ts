// Runs the background loops — outbox fan-out (fanout-loop.ts) and webhook delivery (delivery-loop.ts)
// — until stopped. New events wake the loops at once in-process; otherwise they poll. A failing store
// backs a loop off, never kills it. Fan-out hands new deliveries, not yet stored, straight to this
// process's delivery loop while there is room; settles of finished attempts and the fan-out's outbox
// removals share BatchWriteItem calls, which is why both loops are composed here.
import type { EventRecord } from '../domain/event.js';
import { BATCH_WRITE_MAX } from '../store/batch-write.js';
import { DeliveryWriteCoalescer } from '../store/delivery-write-coalescer.js';
import { OutboxRemover } from '../store/outbox-remover.js';
import type { FanoutRowRef } from '../store/outbox-store.js';
import { startDeliveryLoop } from './delivery-loop.js';
import { startFanoutLoop } from './fanout-loop.js';
import type { WorkerDeps } from './worker-deps.js';
import type { WakeSignal } from './wake-signal.js';

/**
 * Longest a settle waits for others to share its write when none is in flight. Settles come after the
 * receipt, so this delays no delivery; at 200 deliveries/s in-process it took the settle writes from 319
 * to 184 calls per ~1,400 deliveries.
 */
const SETTLE_GATHER_MS = 20;
/**
 * Longest an outbox row's removal waits for a call to share: a settle write taking it along, or other
 * removals. Rows are only kept out of reads meanwhile; at 20 events/s most removals ride with the next
 * event's settle instead of paying a call (and a cross-process round trip) of their own.
 */
const REMOVAL_GATHER_MS = 100;

export interface WorkerRuntime {
  /**
   * Signals that an event was stored (fan-out work). With `event` and `storedSince` (performance.now()
   * just before its write began, given only for an id made for that request) fan-out may take the
   * event as it is instead of reading it back from the outbox; `row` names the outbox row that holds it
   * (its own when not given).
   */
  wake(event?: EventRecord, storedSince?: number, row?: FanoutRowRef): void;
  /** Signals that deliveries were queued outside the workers (replays). */
  wakeDelivery(): void;
  /** Stops polling, lets in-flight attempts finish (bounded), gives up the fan-out lease, resolves when all loops ended. */
  stop(): Promise<void>;
}

/** Starts the fan-out and delivery loops. */
export function startWorkers(deps: WorkerDeps): WorkerRuntime {
  const { config } = deps;
  const backoff = (err: unknown, loop: string, signal: WakeSignal) => {
    deps.logger.warn({ err, loop }, 'worker loop step failed; backing off');
    return signal.wait(Math.min(5_000, config.WORKER_POLL_MS * 4));
  };
  // Passes of a few events each share their rows' removal (the rows stay in progress until it lands);
  // a settle write with room to spare takes waiting removals along, saving their call.
  const remover = new OutboxRemover((ids) => deps.stores.outbox.remove('fanout', ids), REMOVAL_GATHER_MS);
  const batch = new DeliveryWriteCoalescer({
    write: async (items, signal) => {
      const riding = remover.takeUpTo(BATCH_WRITE_MAX - items.length);
      if (!riding) return deps.stores.deliveries.putAll(items, signal);
      try {
        await deps.stores.deliveries.putWith(items, deps.stores.outbox.deleteRequests('fanout', riding.ids), signal);
        riding.settle();
      } catch (err) {
        riding.settle(err);
        throw err;
      }
    },
    now: () => deps.clock.now(),
    gatherMs: SETTLE_GATHER_MS,
    onError: (err) => deps.logger.warn({ err }, 'batched settle failed; settling conditionally'),
  });
  const delivery = startDeliveryLoop(deps, batch, backoff);
  const fanout = startFanoutLoop(deps, delivery, remover, backoff);
  return {
    wake: (event?: EventRecord, storedSince?: number, row?: FanoutRowRef) => fanout.wake(event, storedSince, row),
    wakeDelivery: () => delivery.wakeDue(),
    async stop() {
      // Both stop at once: a stopped delivery loop has no room, so fan-out stores what it would hand over.
      await Promise.all([fanout.stop(), delivery.stop()]);
      const deadline = new Promise((r) => setTimeout(r, config.WEBHOOK_TIMEOUT_MS + 1_000).unref());
      await Promise.race([delivery.settled(), deadline]);
      await Promise.race([fanout.finished(), deadline]);
      await fanout.release();
    },
  };
}

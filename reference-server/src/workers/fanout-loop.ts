// The fan-out loop: while this process holds the fan-out lease, turns stored events into deliveries —
// events this process just stored are taken as they are (handed), the rest read from the outbox — and
// hands fresh deliveries straight to the delivery loop while it has room.
import type { EventRecord } from '../domain/event.js';
import type { OutboxRemover } from '../store/outbox-remover.js';
import type { FanoutRowRef } from '../store/outbox-store.js';
import { fenceMargins } from './delivery-fence.js';
import type { DeliveryLoop } from './delivery-loop.js';
import { FANOUT_BATCH, fanOutOnce, RecentIds, type HandedEvents } from './fanout.js';
import { FanoutLease } from './fanout-lease.js';
import type { WorkerDeps } from './worker-deps.js';
import { WakeSignal } from './wake-signal.js';

/**
 * How long fan-out waits after a wake-up before its pass, so wakes arriving together share it. The
 * events of one group commit already come in one wake (the server's wake hub sends a turn's events as
 * one message), so this only needs to cover wakes a millisecond apart. At 200 events/s with the worker
 * in its own process, six interleaved runs of each: 1 ms against 5 ms took event → receipt p50 from
 * 5.3 to 3.2 ms and the median p99 from 18.7 to 15.6 ms; the worker's CPU stayed at 0.25–0.27 cores.
 */
const FANOUT_GATHER_MS = 1;
/** Longest fan-out waits for room in this process before creating deliveries due for any worker instead. */
const FANOUT_BACKPRESSURE_MS = 1_000;
/** Longest a stored event waits to be handed to fan-out before it is left to the outbox read. */
const HANDED_MAX_AGE_MS = 5_000;
/** Events waiting to be handed to fan-out at most; beyond it they are read from the outbox. */
const HANDED_MAX = 10_000;
/**
 * While a backlog is read on from where the last read stopped, how often a read starts over from the
 * oldest row: for rows that landed behind the reads (a write that took longer than a later one's) and
 * rows a failed pass left.
 */
export const FANOUT_RESCAN_MS = 1_000;
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The running fan-out loop. */
export interface FanoutLoop {
  /** An event was stored; see {@link WorkerRuntime.wake}. */
  wake(event?: EventRecord, storedSince?: number, row?: FanoutRowRef): void;
  /** Ends the loop (handed events are left to the outbox read) and resolves when it returned. */
  stop(): Promise<void>;
  /** Resolves once passes whose fast attempts were still running have finished. */
  finished(): Promise<void>;
  /** Gives up the fan-out lease so another process takes over at once. */
  release(): Promise<void>;
}

/** Starts the loop, handing fresh deliveries to `delivery`; `backoff` waits after a failed step. */
export function startFanoutLoop(
  deps: WorkerDeps,
  delivery: DeliveryLoop,
  remover: OutboxRemover,
  backoff: (err: unknown, loop: string, signal: WakeSignal) => Promise<unknown>,
): FanoutLoop {
  const { config } = deps;
  let stopped = false;
  const signal = new WakeSignal();
  const now = () => deps.clock.now();
  // The fan-out lease covers whole fast-path attempts: the same 1.5 timeouts attemptDelivery asks of a lease.
  const lease = new FanoutLease(deps.stores.deliveries.fanoutLease, deps.token(), now, fenceMargins(config.WEBHOOK_VISIBILITY_TIMEOUT_MS), config.WEBHOOK_TIMEOUT_MS * 1.5);
  // Outbox rows of passes whose fast attempts are still running, and those passes' ends.
  const rowsInProgress = new Set<string>();
  const finishing = new Set<Promise<unknown>>();
  // Events stored by this process under the current fan-out lease hold, waiting for fan-out; and the
  // rows any pass began writing for (kept well past HANDED_MAX_AGE_MS).
  let handedQueue: { event: EventRecord; row: FanoutRowRef; tenure: number; at: number }[] = [];
  const touched = new RecentIds(HANDED_MAX_AGE_MS * 3);
  let lastReadAt = -Infinity;
  // An event was stored that fan-out was not handed (another hold, a full queue, an idempotent write),
  // or the last read left rows behind it: read the outbox soon.
  let readSoon = false;
  // Where the next outbox read goes on from (undefined: the oldest row), and when one last started there.
  // Reading on instead of from the oldest row each time matters under a backlog: the oldest rows are
  // those still in progress, and each read from there passed over them again (~3.4 rows read per delivery).
  let cursor: string | undefined;
  let lastScanAt = -Infinity;

  const takeHanded = (): HandedEvents | undefined => {
    const tenure = lease.heldSince();
    const at = performance.now();
    // What was stored under an earlier hold, or waited too long, is left to the outbox read, soon.
    const waiting = handedQueue.length;
    handedQueue = handedQueue.filter((h) => h.tenure === tenure && at - h.at < HANDED_MAX_AGE_MS);
    if (handedQueue.length < waiting) readSoon = true;
    if (tenure === undefined || handedQueue.length === 0) return undefined;
    // A batch, and the rest of its last row's events (a row handed in part is left to a read).
    let take = Math.min(FANOUT_BATCH, handedQueue.length);
    while (take < handedQueue.length && handedQueue[take]!.row.key === handedQueue[take - 1]!.row.key) take++;
    return { events: handedQueue.splice(0, take).map(({ event, row }) => ({ event, row })), tenure };
  };
  const queuedSome = ({ queuedDue }: { queuedDue: number }) => {
    // Created due now (beyond this process's room, or not recorded by the fast path): look at the due index again.
    if (queuedDue > 0) delivery.wakeDue();
  };

  const loop = async () => {
    while (!stopped) {
      try {
        await delivery.waitForRoom(FANOUT_BACKPRESSURE_MS);
        // The outbox is read every poll interval (for rows other processes stored, and rows a failed
        // pass left behind), soon after an event that was not handed over, and on after a read that left
        // rows behind it; handed events need no read.
        const readDue = readSoon || performance.now() - lastReadAt >= config.WORKER_POLL_MS;
        const handed = readDue ? undefined : takeHanded();
        let rows = 0;
        if (readDue || handed) {
          if (!handed) {
            lastReadAt = performance.now();
            readSoon = false;
            if (cursor === undefined || lastReadAt - lastScanAt >= FANOUT_RESCAN_MS) {
              cursor = undefined;
              lastScanAt = lastReadAt;
            }
          }
          const pass = await fanOutOnce(deps, lease, delivery.handoff, rowsInProgress, { touched, handed, remover, after: handed ? undefined : cursor });
          rows = pass.rows;
          if (!handed) {
            // Rows remain beyond what this pass took: read on from there as soon as there is room.
            cursor = pass.next;
            if (cursor !== undefined) readSoon = true;
          }
          // Handed events the pass did not take are read back, unless a read pass already began on them
          // (reading again for those found each such event once more, dozens of reads a second under load).
          if (handed && rows < handed.events.length && handed.events.some((h) => !touched.has(h.row.key))) readSoon = true;
          queuedSome(pass);
          if (pass.finishing) {
            const end: Promise<unknown> = pass.finishing
              .then(
                (done) => {
                  // A pass that lost the lease before removing its rows left them behind the reads.
                  if (!done.leader) cursor = undefined;
                  queuedSome(done);
                },
                (err: unknown) => {
                  // Its rows are behind the reads now: the next read starts over from the oldest row.
                  cursor = undefined;
                  deps.logger.warn({ err }, 'fan-out pass failed to finish; its outbox rows will be redone');
                },
              )
              .finally(() => finishing.delete(end));
            finishing.add(end);
          }
        }
        // A full batch means more is waiting (after a read, `readSoon` says so); otherwise sleep until an
        // event is stored (or the poll), then give its neighbours a moment to land so one read serves
        // many. A wake for an event a pass already took finds nothing handed and no read due, and sleeps again.
        const untilRead = lastReadAt + config.WORKER_POLL_MS - performance.now();
        if (rows < FANOUT_BATCH && handedQueue.length === 0 && !readSoon && untilRead > 0 && (await signal.wait(untilRead))) await delay(FANOUT_GATHER_MS);
      } catch (err) {
        cursor = undefined;
        await backoff(err, 'fanout', signal);
      }
    }
  };
  const running = loop();

  return {
    wake(event, storedSince, row) {
      const tenure = lease.heldSince();
      // Only an event stored wholly within this hold: no other process can have fanned it out. Without
      // a row named (a server before rows were shared), its row is its own.
      if (event && storedSince !== undefined && tenure !== undefined && tenure < storedSince && handedQueue.length < HANDED_MAX) {
        handedQueue.push({ event, row: row ?? { key: event.event_id, size: 1 }, tenure, at: performance.now() });
      } else readSoon = true;
      signal.wake();
    },
    async stop() {
      stopped = true;
      handedQueue = [];
      signal.wake();
      await running;
    },
    async finished() {
      await Promise.all(finishing);
    },
    release: () => lease.release(),
  };
}

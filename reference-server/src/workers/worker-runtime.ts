// Runs the background loops — outbox fan-out and webhook delivery — until stopped. New events wake
// the loops at once in-process; otherwise they poll. A failing store backs a loop off, never kills it.
// Fan-out runs in whichever process holds the fan-out lease and hands new deliveries, not yet stored,
// straight to this process's delivery loop while there is room; each is attempted and then written
// once, in its outcome state. Settles of finished attempts share BatchWriteItem calls through one
// coalescer.
import type { EventRecord } from '../domain/event.js';
import type { WebhookRecord } from '../domain/webhook.js';
import type { Lease } from '../store/delivery-items.js';
import { BATCH_WRITE_MAX } from '../store/batch-write.js';
import { DeliveryWriteCoalescer } from '../store/delivery-write-coalescer.js';
import { OutboxRemover } from '../store/outbox-remover.js';
import { fenceMargins } from './delivery-fence.js';
import { FANOUT_BATCH, fanOutOnce, RecentIds, type HandedEvents, type Handoff } from './fanout.js';
import { FanoutLease } from './fanout-lease.js';
import { processLease } from './delivery-worker.js';
import type { WorkerDeps } from './worker-deps.js';
import { WakeSignal } from './wake-signal.js';

/** How long fan-out waits after a wake-up before reading, so events arriving together share a batch. */
const FANOUT_GATHER_MS = 5;
/** Longest fan-out waits for room in this process before creating deliveries due for any worker instead. */
const FANOUT_BACKPRESSURE_MS = 1_000;
/** Attempts whose send is over but whose settle is not, per slot, before the loop stops starting more. */
const UNSETTLED_PER_SLOT = 8;
/** Longest a stored event waits to be handed to fan-out before it is left to the outbox read. */
const HANDED_MAX_AGE_MS = 5_000;
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
/** Events waiting to be handed to fan-out at most; beyond it they are read from the outbox. */
const HANDED_MAX = 10_000;
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface WorkerRuntime {
  /**
   * Signals that an event was stored (fan-out work). With `event` and `storedSince` (performance.now()
   * just before its write began, given only for an id made for that request) fan-out may take the
   * event as it is instead of reading it back from the outbox.
   */
  wake(event?: EventRecord, storedSince?: number): void;
  /** Signals that deliveries were queued outside the workers (replays). */
  wakeDelivery(): void;
  /** Stops polling, lets in-flight attempts finish (bounded), gives up the fan-out lease, resolves when all loops ended. */
  stop(): Promise<void>;
}

/** Starts the fan-out and delivery loops. */
export function startWorkers(deps: WorkerDeps): WorkerRuntime {
  const { config } = deps;
  let stopped = false;
  // Separate signals: new events wake fan-out; queued deliveries and freed slots wake delivery; freed
  // slots also wake a fan-out waiting for room.
  const fanoutSignal = new WakeSignal();
  const deliverySignal = new WakeSignal();
  const roomSignal = new WakeSignal();
  const wakeAll = () => {
    fanoutSignal.wake();
    deliverySignal.wake();
    roomSignal.wake();
  };
  const backoff = (err: unknown, loop: string, signal: WakeSignal) => {
    deps.logger.warn({ err, loop }, 'worker loop step failed; backing off');
    return signal.wait(Math.min(5_000, config.WORKER_POLL_MS * 4));
  };
  // Read through deps on every call: a chaos host may swap the clock in after deps were built.
  const now = () => deps.clock.now();
  // The fan-out lease covers whole fast-path attempts: the same 1.5 timeouts processLease asks of a lease.
  const fanoutLease = new FanoutLease(deps.stores.deliveries.fanoutLease, deps.token(), now, fenceMargins(config.WEBHOOK_VISIBILITY_TIMEOUT_MS), config.WEBHOOK_TIMEOUT_MS * 1.5);
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
    now,
    gatherMs: SETTLE_GATHER_MS,
    onError: (err) => deps.logger.warn({ err }, 'batched settle failed; settling conditionally'),
  });

  // Fresh deliveries fan-out handed to this process, waiting for a free slot (bounded, so they start
  // well within the fan-out lease, and large enough to take a whole fan-out batch).
  const capacity = Math.max(config.WORKER_CONCURRENCY * 4, FANOUT_BATCH * 2);
  interface Ready {
    lease: Lease;
    webhook: WebhookRecord;
    done: (recorded: boolean) => void;
  }
  const ready: Ready[] = [];
  const drop = (r: Ready) => {
    const i = ready.indexOf(r);
    if (i >= 0) ready.splice(i, 1);
    r.done(false);
  };
  // Attempts holding a slot (not yet done sending), and every attempt until it has settled.
  let sending = 0;
  const inFlight = new Set<Promise<void>>();
  // Whether the last look at the due index may have left due deliveries behind.
  let moreDue = true;
  const room = () => (stopped ? 0 : capacity - ready.length - sending);
  const handoff: Handoff = {
    room,
    attempt: (lease, webhook, revoked) =>
      new Promise((done) => {
        if (stopped || revoked.aborted) return done(false);
        const r: Ready = { lease, webhook, done };
        ready.push(r);
        revoked.addEventListener('abort', () => drop(r), { once: true });
        deliverySignal.wake();
      }),
  };
  const run = (lease: Lease, webhook?: WebhookRecord, done?: (recorded: boolean) => void) => {
    sending++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      sending--;
      deliverySignal.wake();
      roomSignal.wake();
    };
    const p: Promise<void> = processLease(deps, lease, webhook, { batch, sent: release })
      .catch((err: unknown) => {
        deps.logger.warn({ err, delivery_id: lease.delivery.delivery_id }, 'delivery attempt failed; the lease will expire and retry');
        return false;
      })
      .then((recorded) => done?.(recorded))
      .finally(() => {
        release();
        inFlight.delete(p);
        deliverySignal.wake();
      });
    inFlight.add(p);
  };

  const waitForRoom = async () => {
    const until = performance.now() + FANOUT_BACKPRESSURE_MS;
    while (!stopped && room() < FANOUT_BATCH && performance.now() < until) await roomSignal.wait(until - performance.now());
  };

  // Outbox rows of passes whose fast attempts are still running, and those passes' ends.
  const rowsInProgress = new Set<string>();
  // Events stored by this process under the current fan-out lease hold, waiting for fan-out; and the
  // rows any pass began writing for (kept well past HANDED_MAX_AGE_MS).
  let handedQueue: { event: EventRecord; tenure: number; at: number }[] = [];
  const touched = new RecentIds(HANDED_MAX_AGE_MS * 3);
  let lastReadAt = -Infinity;
  // An event was stored that fan-out was not handed (another hold, a full queue, an idempotent write): read the outbox soon.
  let readSoon = false;
  const takeHanded = (): HandedEvents | undefined => {
    const tenure = fanoutLease.heldSince();
    const at = performance.now();
    // What was stored under an earlier hold, or waited too long, is left to the outbox read, soon.
    const waiting = handedQueue.length;
    handedQueue = handedQueue.filter((h) => h.tenure === tenure && at - h.at < HANDED_MAX_AGE_MS);
    if (handedQueue.length < waiting) readSoon = true;
    if (tenure === undefined || handedQueue.length === 0) return undefined;
    return { events: handedQueue.splice(0, FANOUT_BATCH).map((h) => h.event), tenure };
  };
  const finishing = new Set<Promise<unknown>>();
  const queuedSome = ({ queuedDue }: { queuedDue: number }) => {
    if (queuedDue === 0) return;
    // Created due now (beyond this process's room, or not recorded by the fast path): look at the due index again.
    moreDue = true;
    deliverySignal.wake();
  };
  const fanoutLoop = async () => {
    while (!stopped) {
      try {
        await waitForRoom();
        // The outbox is read every poll interval (for rows other processes stored, and rows a failed
        // pass left behind) and soon after an event that was not handed over; handed events need no read.
        const readDue = readSoon || performance.now() - lastReadAt >= config.WORKER_POLL_MS;
        const handed = readDue ? undefined : takeHanded();
        let rows = 0;
        if (readDue || handed) {
          if (!handed) {
            lastReadAt = performance.now();
            readSoon = false;
          }
          const pass = await fanOutOnce(deps, fanoutLease, handoff, rowsInProgress, { touched, handed, remover });
          rows = pass.rows;
          // Handed events the pass did not take (its hold ended, or a read pass began on them) are read back.
          if (handed && rows < handed.events.length) readSoon = true;
          queuedSome(pass);
          if (pass.finishing) {
            const end: Promise<unknown> = pass.finishing
              .then(queuedSome, (err: unknown) => deps.logger.warn({ err }, 'fan-out pass failed to finish; its outbox rows will be redone'))
              .finally(() => finishing.delete(end));
            finishing.add(end);
          }
        }
        // A full batch means more is waiting; otherwise sleep until an event is stored (or the poll),
        // then give its neighbours a moment to land so one read serves many. A wake for an event a
        // pass already took finds nothing handed and no read due, and sleeps again.
        const untilRead = lastReadAt + config.WORKER_POLL_MS - performance.now();
        if (rows < FANOUT_BATCH && handedQueue.length === 0 && !readSoon && untilRead > 0 && (await fanoutSignal.wait(untilRead))) await delay(FANOUT_GATHER_MS);
      } catch (err) {
        await backoff(err, 'fanout', fanoutSignal);
      }
    }
  };

  const deliveryLoop = async () => {
    let lastDueRead = -Infinity;
    while (!stopped) {
      try {
        let free = Math.min(config.WORKER_CONCURRENCY - sending, config.WORKER_CONCURRENCY * UNSETTLED_PER_SLOT - inFlight.size);
        for (; free > 0 && ready.length > 0; free--) {
          const next = ready.shift()!;
          run(next.lease, next.webhook, next.done);
        }
        // The due index is read when the poll interval is up or when it may hold more than the last
        // read took, not on every freed slot: an empty read still costs a full SDK call.
        if (free > 0 && (moreDue || performance.now() - lastDueRead >= config.WORKER_POLL_MS)) {
          lastDueRead = performance.now();
          moreDue = false;
          const at = now();
          const due = await deps.stores.deliveries.due(at, free);
          deps.metrics.queueDepth.set(due.length + inFlight.size);
          let started = 0;
          for (const id of due) {
            const lease = await deps.stores.deliveries.lease(id, at, config.WEBHOOK_VISIBILITY_TIMEOUT_MS, deps.token());
            if (!lease) continue;
            started++;
            run(lease);
          }
          // A full page, some of it ours: there may be more. (A page lost entirely to other workers
          // waits for the poll, so a lagging index cannot make this loop spin.)
          if (due.length >= free && started > 0) moreDue = true;
          continue;
        }
        await deliverySignal.wait(Math.max(1, lastDueRead + config.WORKER_POLL_MS - performance.now()));
      } catch (err) {
        await backoff(err, 'delivery', deliverySignal);
      }
    }
  };

  const loops = [fanoutLoop(), deliveryLoop()];
  return {
    wake: (event, storedSince) => {
      const tenure = fanoutLease.heldSince();
      // Only an event stored wholly within this hold: no other process can have fanned it out.
      if (event && storedSince !== undefined && tenure !== undefined && tenure < storedSince && handedQueue.length < HANDED_MAX) {
        handedQueue.push({ event, tenure, at: performance.now() });
      } else readSoon = true;
      fanoutSignal.wake();
    },
    wakeDelivery: () => {
      moreDue = true;
      deliverySignal.wake();
    },
    async stop() {
      stopped = true;
      handedQueue = [];
      // Fresh deliveries not started yet go back to fan-out, which stores them due for any worker.
      for (const r of [...ready]) drop(r);
      wakeAll();
      await Promise.all(loops);
      const deadline = new Promise((r) => setTimeout(r, config.WEBHOOK_TIMEOUT_MS + 1_000).unref());
      await Promise.race([Promise.all(inFlight), deadline]);
      await Promise.race([Promise.all(finishing), deadline]);
      await fanoutLease.release();
    },
  };
}

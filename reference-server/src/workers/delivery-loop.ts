// The delivery loop: attempts leased deliveries on up to WORKER_CONCURRENCY slots, at most
// WEBHOOK_ENDPOINT_CONCURRENCY of them per webhook (endpoint-slots.ts) — fresh ones fan-out
// hands over (the handoff) first, then due ones read from the due index, and, every sweep interval,
// overdue ones the reconciliation sweep found without that index. Settles of finished attempts share
// BatchWriteItem calls through the coalescer it is given.
import type { WebhookRecord } from '../domain/webhook.js';
import type { Lease } from '../store/delivery-items.js';
import type { DeliveryWriteCoalescer } from '../store/delivery-write-coalescer.js';
import { attemptDelivery } from './attempt-delivery.js';
import { EndpointSlots } from './endpoint-slots.js';
import { FANOUT_BATCH, type Handoff } from './fanout.js';
import { OverdueSweep } from './overdue-sweep.js';
import type { WorkerDeps } from './worker-deps.js';
import { WakeSignal } from './wake-signal.js';

/** Attempts whose send is over but whose settle is not, per slot, before the loop stops starting more. */
const UNSETTLED_PER_SLOT = 8;
/** Consecutive timeouts or connection errors after which an endpoint is narrowed to one slot. */
const FAILING_AFTER = 3;
/**
 * Due-index entries read beyond the free slots. An entry can outlive its item's due state (the store
 * killed between writing the entry and the item, or a lagging GSI); such entries sort first and fail
 * to lease, and without the slack as many of them as there are slots would hide everything behind them.
 */
const DUE_READ_SLACK = 16;
/** How long a delivery waits for a busy endpoint that is still answering. */
const BUSY_DEFER_MS = 250;

/** A fresh delivery fan-out handed over, waiting for a free slot. */
interface Ready {
  lease: Lease;
  webhook: WebhookRecord;
  done: (recorded: boolean) => void;
}

/** The running delivery loop, as the worker runtime and the fan-out loop see it. */
export interface DeliveryLoop {
  /** Where fan-out hands fresh deliveries. */
  handoff: Handoff;
  /** Resolves once there is room for a fan-out batch, after at most `maxMs`, or at stop. */
  waitForRoom(maxMs: number): Promise<void>;
  /** Deliveries may be due beyond what the last read of the due index took: read it again. */
  wakeDue(): void;
  /** Ends the loop: hands queued fresh deliveries back to fan-out (which stores them due) and resolves when the loop returned. */
  stop(): Promise<void>;
  /** Resolves once every attempt in flight has settled. */
  settled(): Promise<void>;
}

/** Starts the loop; `backoff` waits after a failed step (the runtime's shared policy). */
export function startDeliveryLoop(deps: WorkerDeps, batch: DeliveryWriteCoalescer, backoff: (err: unknown, loop: string, signal: WakeSignal) => Promise<unknown>): DeliveryLoop {
  const { config } = deps;
  let stopped = false;
  // Queued deliveries and freed slots wake the loop; freed slots also wake a fan-out waiting for room.
  const signal = new WakeSignal();
  const roomSignal = new WakeSignal();
  // Fresh deliveries fan-out handed to this process, waiting for a free slot (bounded, so they start
  // well within the fan-out lease, and large enough to take a whole fan-out batch).
  const capacity = Math.max(config.WORKER_CONCURRENCY * 4, FANOUT_BATCH * 2);
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
  // Overdue deliveries the sweep found (bounded: what does not fit is found again next cycle).
  const sweep = new OverdueSweep(deps);
  let swept: string[] = [];
  const room = () => (stopped ? 0 : capacity - ready.length - sending);
  // Per-endpoint and per-tenant caps: a webhook gets at most its share of the slots, a tenant three quarters.
  const perEndpoint = Math.min(config.WEBHOOK_ENDPOINT_CONCURRENCY, config.WORKER_CONCURRENCY);
  const slots = new EndpointSlots({ perEndpoint, perTenant: Math.max(perEndpoint, Math.ceil(config.WORKER_CONCURRENCY * 0.75)), failingAfter: FAILING_AFTER });
  /**
   * A leased delivery whose endpoint has no free slot goes back to the queue unattempted: shortly if
   * the endpoint may be answering (it freed a slot within the last second, or its attempts in flight
   * began less than a second ago: busy, not known to hang), otherwise one timeout later,
   * by when a hung request holding a slot has ended — so a hanging endpoint's backlog costs few writes.
   */
  const defer = (lease: Lease) => {
    const now = deps.clock.now();
    const moving = slots.answeringWithin(lease.delivery.webhook_id, now, 1_000);
    return deps.stores.deliveries.defer(lease, now + (moving ? BUSY_DEFER_MS : config.WEBHOOK_TIMEOUT_MS));
  };

  const run = (lease: Lease, slot: (now: number) => void, webhook?: WebhookRecord, done?: (recorded: boolean) => void) => {
    sending++;
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      sending--;
      slot(deps.clock.now());
      signal.wake();
      roomSignal.wake();
    };
    const answered = (unreachable: boolean) => slots.record(lease.delivery.webhook_id, unreachable);
    const p: Promise<void> = attemptDelivery(deps, lease, webhook, { batch, sent: release, answered })
      .catch((err: unknown) => {
        deps.logger.warn({ err, delivery_id: lease.delivery.delivery_id }, 'delivery attempt failed; the lease will expire and retry');
        return false;
      })
      .then((recorded) => done?.(recorded))
      .finally(() => {
        release();
        inFlight.delete(p);
        signal.wake();
      });
    inFlight.add(p);
  };

  const loop = async () => {
    let lastDueRead = -Infinity;
    while (!stopped) {
      try {
        let free = Math.min(config.WORKER_CONCURRENCY - sending, config.WORKER_CONCURRENCY * UNSETTLED_PER_SLOT - inFlight.size);
        // A fresh delivery whose endpoint (or tenant) is at its cap waits here while that endpoint may be
        // answering (see `defer`), and otherwise goes back to fan-out, which stores it due; either way the
        // ones behind it are not held up. This runs on every freed slot with up to `capacity` waiting, so
        // a capped endpoint is looked at once per sweep, not once per delivery waiting for it, and the
        // sweep stops when the slots are gone (a sweep over all of them cost a tenth of a draining worker's CPU).
        if (free > 0 && ready.length > 0) {
          const now = deps.clock.now();
          const capped = new Map<string, boolean>();
          const waiting: Ready[] = [];
          let looked = 0;
          for (; looked < ready.length && free > 0; looked++) {
            const next = ready[looked]!;
            const webhookId = next.webhook.webhook_id;
            let answering = capped.get(webhookId);
            if (answering === undefined) {
              const slot = slots.take(webhookId, next.lease.delivery.tenant_id, now);
              if (slot) {
                free--;
                run(next.lease, slot, next.webhook, next.done);
                continue;
              }
              answering = slots.answeringWithin(webhookId, now, 1_000);
              capped.set(webhookId, answering);
            }
            if (answering) waiting.push(next);
            else next.done(false);
          }
          ready.splice(0, looked, ...waiting);
        }
        if (sweep.dueIn() === 0) swept = swept.concat(await sweep.tick()).slice(0, capacity);
        while (free > 0 && swept.length > 0) {
          const lease = await deps.stores.deliveries.lease(swept.shift()!, deps.clock.now(), config.WEBHOOK_VISIBILITY_TIMEOUT_MS, deps.token());
          if (!lease) continue;
          const slot = slots.take(lease.delivery.webhook_id, lease.delivery.tenant_id, deps.clock.now());
          if (!slot) {
            await defer(lease);
            continue;
          }
          free--;
          run(lease, slot);
        }
        // The due index is read when the poll interval is up or when it may hold more than the last
        // read took, not on every freed slot: an empty read still costs a full SDK call.
        if (free > 0 && (moreDue || performance.now() - lastDueRead >= config.WORKER_POLL_MS)) {
          lastDueRead = performance.now();
          moreDue = false;
          const at = deps.clock.now();
          const due = await deps.stores.deliveries.due(at, free + DUE_READ_SLACK);
          deps.metrics.queueDepth.set(due.length + inFlight.size);
          let started = 0;
          for (const id of due) {
            if (started >= free) break;
            const lease = await deps.stores.deliveries.lease(id, at, config.WEBHOOK_VISIBILITY_TIMEOUT_MS, deps.token());
            if (!lease) continue;
            started++;
            const slot = slots.take(lease.delivery.webhook_id, lease.delivery.tenant_id, deps.clock.now());
            if (slot) run(lease, slot);
            else await defer(lease);
          }
          // A full page, some of it ours: there may be more. (A page lost entirely to other workers
          // waits for the poll, so a lagging index cannot make this loop spin.)
          if (due.length >= free + DUE_READ_SLACK && started > 0) moreDue = true;
          if (started >= free) moreDue = true;
          continue;
        }
        await signal.wait(Math.max(1, Math.min(lastDueRead + config.WORKER_POLL_MS - performance.now(), sweep.dueIn())));
      } catch (err) {
        await backoff(err, 'delivery', signal);
      }
    }
  };
  const running = loop();

  return {
    handoff: {
      room,
      attempt: (lease, webhook, revoked) =>
        new Promise((done) => {
          if (stopped || revoked.aborted) return done(false);
          const r: Ready = { lease, webhook, done };
          ready.push(r);
          revoked.addEventListener('abort', () => drop(r), { once: true });
          signal.wake();
        }),
    },
    async waitForRoom(maxMs) {
      const until = performance.now() + maxMs;
      while (!stopped && room() < FANOUT_BATCH && performance.now() < until) await roomSignal.wait(until - performance.now());
    },
    wakeDue() {
      moreDue = true;
      signal.wake();
    },
    async stop() {
      stopped = true;
      // Fresh deliveries not started yet go back to fan-out, which stores them due for any worker.
      for (const r of [...ready]) drop(r);
      signal.wake();
      roomSignal.wake();
      await running;
    },
    async settled() {
      await Promise.all(inFlight);
    },
  };
}

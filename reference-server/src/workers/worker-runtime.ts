// Runs the background loops — outbox fan-out and webhook delivery — until stopped. New events wake
// the loops at once in-process; otherwise they poll. A failing store backs a loop off, never kills it.
import type { WebhookRecord } from '../domain/webhook.js';
import type { Lease } from '../store/deliveries-store.js';
import { FANOUT_BATCH, fanOutOnce, type Handoff } from './fanout.js';
import { processLease } from './delivery-worker.js';
import type { WorkerDeps } from './worker-deps.js';
import { WakeSignal } from './wake-signal.js';

/** How long fan-out waits after a wake-up before reading, so events arriving together share a batch. */
const FANOUT_GATHER_MS = 5;
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface WorkerRuntime {
  /** Signals that an event was stored (fan-out work). */
  wake(): void;
  /** Signals that deliveries were queued outside the workers (replays). */
  wakeDelivery(): void;
  /** Stops polling, lets in-flight attempts finish (bounded), resolves when all loops ended. */
  stop(): Promise<void>;
}

/** Starts the fan-out and delivery loops. */
export function startWorkers(deps: WorkerDeps): WorkerRuntime {
  let stopped = false;
  // Separate signals: new events wake fan-out; queued deliveries and freed slots wake delivery.
  const fanoutSignal = new WakeSignal();
  const deliverySignal = new WakeSignal();
  const wakeAll = () => {
    fanoutSignal.wake();
    deliverySignal.wake();
  };
  const backoff = (err: unknown, loop: string, signal: WakeSignal) => {
    deps.logger.warn({ err, loop }, 'worker loop step failed; backing off');
    return signal.wait(Math.min(5_000, deps.config.WORKER_POLL_MS * 4));
  };

  // Leases fan-out created for this process, waiting for a free slot (bounded, so they start well
  // within their visibility timeout).
  const ready: { lease: Lease; webhook: WebhookRecord | undefined }[] = [];
  const inFlight = new Set<Promise<void>>();
  const handoff: Handoff = {
    hasRoom: () => !stopped && ready.length + inFlight.size < deps.config.WORKER_CONCURRENCY * 4,
    take: (lease, webhook) => {
      ready.push({ lease, webhook });
      deliverySignal.wake();
    },
  };
  const run = (lease: Lease, webhook?: WebhookRecord) => {
    const p: Promise<void> = processLease(deps, lease, webhook)
      .catch((err: unknown) => deps.logger.warn({ err, delivery_id: lease.delivery.delivery_id }, 'delivery attempt failed; the lease will expire and retry'))
      .finally(() => {
        inFlight.delete(p);
        deliverySignal.wake();
      });
    inFlight.add(p);
  };

  const fanoutLoop = async () => {
    while (!stopped) {
      try {
        const { rows, enqueued } = await fanOutOnce(deps, handoff);
        if (enqueued > 0) deliverySignal.wake();
        // A full batch means more is waiting; otherwise sleep until an event is stored (or the poll),
        // then give its neighbours a moment to land so one read serves many.
        if (rows < FANOUT_BATCH && (await fanoutSignal.wait(deps.config.WORKER_POLL_MS))) await delay(FANOUT_GATHER_MS);
      } catch (err) {
        await backoff(err, 'fanout', fanoutSignal);
      }
    }
  };

  const deliveryLoop = async () => {
    while (!stopped) {
      try {
        let free = deps.config.WORKER_CONCURRENCY - inFlight.size;
        for (; free > 0 && ready.length > 0; free--) {
          const next = ready.shift()!;
          run(next.lease, next.webhook);
        }
        if (free <= 0) {
          await Promise.race(inFlight);
          continue;
        }
        const now = deps.clock.now();
        const due = await deps.stores.deliveries.due(now, free);
        deps.metrics.queueDepth.set(due.length + inFlight.size);
        let started = 0;
        for (const id of due) {
          const lease = await deps.stores.deliveries.lease(id, now, deps.config.WEBHOOK_VISIBILITY_TIMEOUT_MS, deps.token());
          if (!lease) continue;
          started++;
          run(lease);
        }
        if (started === 0 && ready.length === 0) await deliverySignal.wait(deps.config.WORKER_POLL_MS);
      } catch (err) {
        await backoff(err, 'delivery', deliverySignal);
      }
    }
  };

  const loops = [fanoutLoop(), deliveryLoop()];
  return {
    wake: () => fanoutSignal.wake(),
    wakeDelivery: () => deliverySignal.wake(),
    async stop() {
      stopped = true;
      wakeAll();
      await Promise.all(loops);
      const deadline = new Promise((r) => setTimeout(r, deps.config.WEBHOOK_TIMEOUT_MS + 1_000).unref());
      await Promise.race([Promise.all(inFlight), deadline]);
    },
  };
}

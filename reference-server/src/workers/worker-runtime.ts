// Runs the background loops — outbox fan-out and webhook delivery — until stopped. New events wake
// the loops at once in-process; otherwise they poll. A failing store backs a loop off, never kills it.
import type { WebhookRecord } from '../domain/webhook.js';
import type { Lease } from '../store/deliveries-store.js';
import { fanOutOnce, type Handoff } from './fanout.js';
import { processLease } from './delivery-worker.js';
import type { WorkerDeps } from './worker-deps.js';

export interface WorkerRuntime {
  /** Signals that new work may exist (an event was stored). */
  wake(): void;
  /** Stops polling, lets in-flight attempts finish (bounded), resolves when all loops ended. */
  stop(): Promise<void>;
}

/** Starts the fan-out and delivery loops. */
export function startWorkers(deps: WorkerDeps): WorkerRuntime {
  let stopped = false;
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const w of waiters) w();
    waiters.clear();
  };
  const idle = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        waiters.delete(done);
        resolve();
      }
      waiters.add(done);
    });
  const backoff = (err: unknown, loop: string) => {
    deps.logger.warn({ err, loop }, 'worker loop step failed; backing off');
    return idle(Math.min(5_000, deps.config.WORKER_POLL_MS * 4));
  };

  // Leases fan-out created for this process, waiting for a free slot (bounded, so they start well
  // within their visibility timeout).
  const ready: { lease: Lease; webhook: WebhookRecord | undefined }[] = [];
  const inFlight = new Set<Promise<void>>();
  const handoff: Handoff = {
    hasRoom: () => !stopped && ready.length + inFlight.size < deps.config.WORKER_CONCURRENCY * 4,
    take: (lease, webhook) => {
      ready.push({ lease, webhook });
      wake();
    },
  };
  const run = (lease: Lease, webhook?: WebhookRecord) => {
    const p: Promise<void> = processLease(deps, lease, webhook)
      .catch((err: unknown) => deps.logger.warn({ err, delivery_id: lease.delivery.delivery_id }, 'delivery attempt failed; the lease will expire and retry'))
      .finally(() => {
        inFlight.delete(p);
        wake();
      });
    inFlight.add(p);
  };

  const fanoutLoop = async () => {
    while (!stopped) {
      try {
        const { rows, enqueued } = await fanOutOnce(deps, handoff);
        if (enqueued > 0) wake();
        if (rows === 0) await idle(deps.config.WORKER_POLL_MS);
      } catch (err) {
        await backoff(err, 'fanout');
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
        if (started === 0 && ready.length === 0) await idle(deps.config.WORKER_POLL_MS);
      } catch (err) {
        await backoff(err, 'delivery');
      }
    }
  };

  const sampler = setInterval(() => {
    deps.stores.dlq.count().then(
      (n) => deps.metrics.dlqDepth.set(n),
      () => undefined,
    );
  }, 5_000);
  sampler.unref();

  const loops = [fanoutLoop(), deliveryLoop()];
  return {
    wake,
    async stop() {
      stopped = true;
      clearInterval(sampler);
      wake();
      await Promise.all(loops);
      const deadline = new Promise((r) => setTimeout(r, deps.config.WEBHOOK_TIMEOUT_MS + 1_000).unref());
      await Promise.race([Promise.all(inFlight), deadline]);
    },
  };
}

// The fan-out lease: one process at a time may run fan-out's check-then-write, another takes over
// only once the lease ran out or was given up, and a runner that lost it mid-batch writes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../reference-server/src/domain/clock.js';
import { fenceMargins } from '../../../reference-server/src/workers/delivery-fence.js';
import { attemptDelivery } from '../../../reference-server/src/workers/attempt-delivery.js';
import { fanOutOnce, type Handoff } from '../../../reference-server/src/workers/fanout.js';
import { FANOUT_LEASE_RENEW_MS, FANOUT_LEASE_RETRY_MS, FanoutLease } from '../../../reference-server/src/workers/fanout-lease.js';
import type { WorkerDeps } from '../../../reference-server/src/workers/worker-deps.js';
import { startReceiver } from '../../support/receiver.js';
import { recordingHandoff } from '../../support/recording-handoff.js';
import { startTestApi, type TestApi } from '../../support/test-api.js';

const VISIBILITY = 30_000;
const margins = fenceMargins(VISIBILITY);
const clock = new ManualClock(Date.parse('2026-06-01T00:00:00Z'));
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ WORKER_ENABLED: 'false', WEBHOOK_VISIBILITY_TIMEOUT_MS: String(VISIBILITY), WEBHOOK_TIMEOUT_MS: '10000' }, { clock });
});
afterAll(async () => api?.close());

const HOLD = 15_000;
const leaseFor = (holder: string) => new FanoutLease(api.workerDeps.stores.deliveries.fanoutLease, holder, () => clock.now(), margins, HOLD);


/** A tenant with one webhook and `count` stored events waiting in the outbox. */
async function eventsWaiting(count: number) {
  const key = await api.createKey();
  const hook = await api.call('POST', '/v1/webhooks', { key: key.api_key, body: { url: 'http://127.0.0.1:9/hook', events: ['*'] } });
  for (let i = 0; i < count; i++) await api.call('POST', '/v1/events', { key: key.api_key, body: { source: 's', event_type: 'e.x', payload: { i } } });
  return hook.body.webhook_id as string;
}

async function deliveriesOf(webhookId: string) {
  return (await api.workerDeps.stores.deliveries.listByWebhook(webhookId, { limit: 1_000 })).deliveries;
}

describe('fan-out lease', () => {
  it('is held by one process at a time and passes on only once it ran out', async () => {
    const a = leaseFor('lease-a');
    const b = leaseFor('lease-b');
    expect(await a.writeDeadline()).toBe(clock.now() + a.lengthMs - margins.guardMs);
    expect(await b.writeDeadline()).toBeUndefined();
    clock.advance(a.lengthMs);
    expect(await b.writeDeadline()).toBeDefined();
    expect(await a.writeDeadline()).toBeUndefined();
    await b.release();
  });

  it('is renewed once a second old, so a handed-off batch always has a whole attempt plus the guard margin left', async () => {
    const a = leaseFor('renew-a');
    const first = (await a.writeDeadline())!;
    clock.advance(FANOUT_LEASE_RENEW_MS);
    expect(await a.writeDeadline()).toBe(first);
    clock.advance(1);
    const renewed = (await a.writeDeadline())!;
    expect(renewed).toBe(clock.now() + a.lengthMs - margins.guardMs);
    clock.advance(FANOUT_LEASE_RENEW_MS);
    expect((await a.writeDeadline())! - clock.now()).toBeGreaterThanOrEqual(HOLD + margins.guardMs);
    await a.release();
  });

  it('is taken at once by another process after the holder gives it up', async () => {
    const a = leaseFor('release-a');
    const b = leaseFor('release-b');
    expect(await a.writeDeadline()).toBeDefined();
    expect(await b.writeDeadline()).toBeUndefined();
    await a.release();
    clock.advance(FANOUT_LEASE_RETRY_MS);
    expect(await b.writeDeadline()).toBeDefined();
    await b.release();
  });

  it('lets only one of two concurrent fan-out runners create and hand off deliveries', async () => {
    const webhookId = await eventsWaiting(30);
    const runners = ['runner-a', 'runner-b'].map((holder) => ({ fence: leaseFor(holder), ...recordingHandoff() }));
    const results = await Promise.all(runners.map((r) => fanOutOnce(api.workerDeps, r.fence, r.handoff)));
    expect(results.map((r) => r.leader).sort()).toEqual([false, true]);
    expect(runners.map((r) => r.taken.length).sort((x, y) => x - y)).toEqual([0, 30]);
    expect(await deliveriesOf(webhookId)).toHaveLength(30);
    for (const r of runners) await r.fence.release();
  });

  it('writes nothing from a runner whose lease ran out while it was paused, and its successor delivers once', async () => {
    const webhookId = await eventsWaiting(10);
    let resume!: () => void;
    let paused!: () => void;
    const pausedAtBatch = new Promise<void>((r) => (paused = r));
    const stalled: WorkerDeps = {
      ...api.workerDeps,
      beforeStep: async (loop, step) => {
        if (loop !== 'fanout' || step !== 'batch') return;
        paused();
        await new Promise<void>((r) => (resume = r));
      },
    };
    const first = { fence: leaseFor('paused-runner'), ...recordingHandoff() };
    const second = { fence: leaseFor('next-runner'), ...recordingHandoff() };
    const firstRun = fanOutOnce(stalled, first.fence, first.handoff);
    await pausedAtBatch;
    clock.advance(first.fence.lengthMs);
    expect(await fanOutOnce(api.workerDeps, second.fence, second.handoff)).toMatchObject({ leader: true, enqueued: 10 });
    resume();
    expect(await firstRun).toMatchObject({ leader: false, enqueued: 0 });
    expect(first.taken).toEqual([]);
    expect(second.taken).toHaveLength(10);
    const stored = await deliveriesOf(webhookId);
    expect(stored).toHaveLength(10);
    expect(new Set(stored.map((d) => d.delivery_id))).toEqual(new Set(second.taken.map((l) => l.delivery.delivery_id)));
    await second.fence.release();
  });

  it('records nothing from a first attempt that outlived the fan-out lease, and queues its delivery again', async () => {
    const receiver = await startReceiver();
    try {
      const key = await api.createKey();
      const hook = await api.call('POST', '/v1/webhooks', { key: key.api_key, body: { url: receiver.url, events: ['*'] } });
      await api.call('POST', '/v1/events', { key: key.api_key, body: { source: 's', event_type: 'e.x', payload: {} } });
      const fence = leaseFor('outlived');
      // The attempt is sent, then the process stalls past the lease before recording it.
      const stalled: WorkerDeps = { ...api.workerDeps, beforeStep: async (_loop, step) => void (step === 'settle' && clock.advance(fence.lengthMs)) };
      const handoff: Handoff = { room: () => 1_000, attempt: (lease, webhook) => attemptDelivery(stalled, lease, webhook) };
      expect(await fanOutOnce(api.workerDeps, fence, handoff)).toMatchObject({ leader: true, enqueued: 1, queuedDue: 1 });
      expect(receiver.received).toHaveLength(1);
      const [stored] = await deliveriesOf(hook.body.webhook_id as string);
      expect(stored).toMatchObject({ status: 'pending', attempt_count: 0, attempts: [] });
      const item = (await api.workerDeps.stores.deliveries.get(stored!.delivery_id)) as unknown as { due_queue: string; next_attempt_at: number };
      expect(item.due_queue).toBe('due');
      expect(item.next_attempt_at).toBeLessThanOrEqual(clock.now());
      await fence.release();
    } finally {
      await receiver.close();
    }
  });
});

// Settling by time-fenced batch: with enough lease left a settle is a whole-item put through the
// coalescer and leaves exactly what the conditional update would; with too little left it is the
// conditional update, so a lease that passed to another worker is never overwritten.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../reference-server/src/domain/clock.js';
import type { AttemptRecord } from '../../../reference-server/src/domain/delivery.js';
import type { Lease, SettleStep } from '../../../reference-server/src/store/delivery-items.js';
import { DeliveryWriteCoalescer } from '../../../reference-server/src/store/delivery-write-coalescer.js';
import { fenceMargins } from '../../../reference-server/src/workers/delivery-fence.js';
import { settle } from '../../../reference-server/src/workers/attempt-delivery.js';
import { pendingDelivery } from '../../support/pending-delivery.js';
import { startTestApi, type TestApi } from '../../support/test-api.js';

const VISIBILITY = 30_000;
const clock = new ManualClock(Date.parse('2026-06-01T00:00:00Z'));
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ WORKER_ENABLED: 'false', WEBHOOK_VISIBILITY_TIMEOUT_MS: String(VISIBILITY), WEBHOOK_TIMEOUT_MS: '10000' }, { clock });
});
afterAll(async () => api?.close());

let n = 0;
/** A fresh pending delivery, due now, leased by `token`. */
async function leased(token = `tok-${++n}`): Promise<Lease> {
  const d = pendingDelivery({ tenantId: 'tnt_fence', webhookId: 'wh_fence', eventId: `evt_${++n}`, at: new Date(clock.now()).toISOString(), body: '{"type":"order.created"}' });
  const store = api.workerDeps.stores.deliveries;
  expect(await store.enqueue(d, clock.now())).toBe(true);
  return (await store.lease(d.delivery_id, clock.now(), VISIBILITY, token))!;
}

/** A coalescer over the real store that records how many items it was asked to write. */
function recordingBatch() {
  const written: string[] = [];
  const batch = new DeliveryWriteCoalescer({
    write: (items, signal) => {
      written.push(...items.map((i) => i.delivery_id as string));
      return api.workerDeps.stores.deliveries.putAll(items, signal);
    },
    now: () => clock.now(),
  });
  return { batch, written };
}

const attempt = (status_code: number): AttemptRecord => ({
  attempt: 1,
  at: new Date(clock.now()).toISOString(),
  status_code,
  latency_ms: 1.5,
  success: status_code < 300,
  error_class: status_code < 300 ? null : 'http_5xx',
  error: null,
  response_body: 'ok',
});

/** A stored delivery without the attributes that name it, to compare two deliveries' states. */
async function stateOf(id: string) {
  const item = (await api.workerDeps.stores.deliveries.get(id)) as unknown as Record<string, unknown>;
  // settled_by names the lease, which differs between the two compared deliveries by design.
  const { delivery_id: _id, event_id: _e, created_key: _k, settled_by: _s, ...rest } = item;
  return rest;
}

describe('time-fenced settles', () => {
  it.each<[string, (at: string) => SettleStep]>([
    ['delivered', (at) => ({ attempt: attempt(200), status: 'delivered', at })],
    ['retry', (at) => ({ attempt: attempt(503), retryAt: clock.now() + 60_000, error: 'HTTP 503', at })],
  ])('with the lease fresh, settles %s through the batch, leaving what the conditional update leaves', async (_name, next) => {
    const { batch, written } = recordingBatch();
    const [viaBatch, viaCondition] = [await leased(), await leased()];
    const step = next(new Date(clock.now()).toISOString());
    expect(await settle(api.workerDeps, viaBatch, step, batch)).toBe(true);
    expect(await api.workerDeps.stores.deliveries.settle(viaCondition, step)).toBe(true);
    expect(written).toEqual([viaBatch.delivery.delivery_id]);
    expect(await stateOf(viaBatch.delivery.delivery_id)).toEqual(await stateOf(viaCondition.delivery.delivery_id));
    for (const lease of [viaBatch, viaCondition]) expect(await api.workerDeps.stores.deliveries.get(lease.delivery.delivery_id)).toMatchObject({ settled_by: lease.token });
  });

  it('falls back to the conditional update once less than the admit margin of the lease is left', async () => {
    const { batch, written } = recordingBatch();
    const lease = await leased();
    clock.advance(VISIBILITY - fenceMargins(VISIBILITY).admitMs + 1);
    expect(await settle(api.workerDeps, lease, { attempt: attempt(200), status: 'delivered', at: new Date(clock.now()).toISOString() }, batch)).toBe(true);
    expect(written).toEqual([]);
    expect((await api.workerDeps.stores.deliveries.get(lease.delivery.delivery_id))?.status).toBe('delivered');
  });

  it('leaves a delivery alone whose lease ran out and passed to another worker', async () => {
    const { batch, written } = recordingBatch();
    const first = await leased('first-worker');
    clock.advance(VISIBILITY);
    const second = await api.workerDeps.stores.deliveries.lease(first.delivery.delivery_id, clock.now(), VISIBILITY, 'second-worker');
    expect(second).toBeDefined();
    expect(await settle(api.workerDeps, first, { attempt: attempt(200), status: 'delivered', at: new Date(clock.now()).toISOString() }, batch)).toBe(false);
    expect(written).toEqual([]);
    const stored = (await api.workerDeps.stores.deliveries.get(first.delivery.delivery_id)) as unknown as Record<string, unknown>;
    expect(stored).toMatchObject({ status: 'pending', lease_token: 'second-worker', attempt_count: 0 });
  });
});

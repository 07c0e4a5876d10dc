// `receiver` faults on the runner's own receiver: a step that starts as another ends keeps its fault
// when the earlier step's heal comes a moment later; its own heal brings back 200.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { applyReceiverFault } from '../../../scenarios/faults/receiver-fault.js';
import { startReceiver, type Receiver } from '../../../scenarios/receiver/receiver.js';

let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver({
    now: () => performance.now(),
    random: () => 0,
    identify: (headers) => ({ delivery_id: String(headers['webhook-id'] ?? ''), event_id: '', webhook_id: '' }),
    onReceipt: () => undefined,
  });
});
afterAll(() => receiver.close());

const post = async () => (await fetch(receiver.url, { method: 'POST', body: '{}' })).status;

it("keeps the later of two back-to-back steps in force when the earlier one's heal comes after it started", async () => {
  const outage = await applyReceiverFault({ status: 503 }, receiver);
  expect(await post()).toBe(503);
  const throttled = await applyReceiverFault({ status: 429 }, receiver);
  await outage.heal();
  expect(await post()).toBe(429);
  await throttled.heal();
  expect(await post()).toBe(200);
});

it('heals a step that is still the one in force', async () => {
  const outage = await applyReceiverFault({ status: 500 }, receiver);
  expect(await post()).toBe(500);
  await outage.heal();
  expect(await post()).toBe(200);
});

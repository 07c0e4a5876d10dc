// A hung request ends, as a receipt, when its sender gives up on it: a retry sent after that is a
// second delivery after the first, not one overlapping it, though the fault is not healed yet.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ReceiptRecord } from '../../../scenarios/history/history.js';
import { startReceiver, type Receiver } from '../../../scenarios/receiver/receiver.js';
import { waitFor } from '../../support/wait-for.js';

const receipts: ReceiptRecord[] = [];
let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver({
    now: () => performance.now(),
    random: () => 0,
    identify: (headers) => ({ delivery_id: String(headers['webhook-id'] ?? ''), event_id: 'evt_1', webhook_id: 'whk_1' }),
    onReceipt: (r) => void receipts.push(r),
  });
});
afterAll(() => receiver.close());

it('ends a hung receipt when the sender hangs up, before the heal', async () => {
  await receiver.inject({ hang: true });
  const sent = fetch(receiver.url, { method: 'POST', headers: { 'webhook-id': 'msg_1' }, body: '{}', signal: AbortSignal.timeout(300) }).catch((err: Error) => err.name);
  expect(await sent).toBe('TimeoutError');
  const [receipt] = await waitFor(() => (receipts.length > 0 ? receipts : undefined), { message: 'the receipt ended by the hang-up' });
  expect(receipt).toMatchObject({ delivery_id: 'msg_1', status: 0 });
  // Still hanging for others: the fault was not healed.
  const second = fetch(receiver.url, { method: 'POST', headers: { 'webhook-id': 'msg_1' }, body: '{}', signal: AbortSignal.timeout(300) }).catch((err: Error) => err.name);
  expect(await second).toBe('TimeoutError');
  await waitFor(() => receipts.length === 2, { message: 'the second receipt ended by its hang-up' });
  expect(receipts[1]!.start).toBeGreaterThanOrEqual(receipts[0]!.end);
  receiver.heal();
});

// `receiver` faults on the runner's own receiver and on a remote `aftershock receiver`: a step that
// starts as another ends keeps its fault when the earlier step's heal comes a moment later; its own
// heal brings back 200; and a step whose fault the receiver refused takes nothing over.
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { applyReceiverFault } from '../../../scenarios/faults/receiver-fault.js';
import { startReceiver, type Receiver } from '../../../scenarios/receiver/receiver.js';
import { receiverCli } from '../../../scenarios/receiver/receiver-cli.js';
import { connectRemoteReceiver } from '../../../scenarios/receiver/remote-receiver.js';
import { waitFor } from '../../support/wait-for.js';

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

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const close of cleanup.splice(0).reverse()) await close();
});

const post = async (url = receiver.url) => (await fetch(url, { method: 'POST', body: '{}' })).status;

/** `aftershock receiver` in this process until the test ends, and the runner's connection to it. */
async function startRemote() {
  let line = '';
  let stop: () => void = () => undefined;
  const exited = receiverCli(['--port', '0'], { log: (l) => (line = l), stopped: () => new Promise<void>((resolve) => (stop = resolve)) });
  cleanup.push(() => (stop(), exited));
  const url = await waitFor(() => /listening on (http:\/\/[\d.:]+)/.exec(line)?.[1], { message: 'the receiver to listen' });
  const remote = await connectRemoteReceiver({ url, now: () => performance.now(), identify: () => ({ delivery_id: '', event_id: '', webhook_id: '' }), onReceipt: () => undefined, onError: () => undefined });
  cleanup.push(() => remote.close());
  const inForce = async () => ((await (await fetch(`${url}/_receiver/fault`)).json()) as { fault: unknown }).fault;
  return { remote, inForce, hook: `${url}/hook` };
}

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

it("heals the step in force at its end when a later step's fault was refused by a remote receiver", async () => {
  const { remote, inForce, hook } = await startRemote();
  const outage = await applyReceiverFault({ status: 503 }, remote);
  // The remote receiver answers 400 to a status no HTTP answer can have, as it would any PUT it refuses.
  await expect(applyReceiverFault({ status: 700 }, remote)).rejects.toThrow(/answered PUT \/_receiver\/fault with 400/);
  expect(await inForce()).toEqual({ status: 503 });
  await outage.heal();
  expect(await inForce()).toBeNull();
  expect(await post(hook)).toBe(200);
});

it("keeps a later step's fault on a remote receiver when the earlier step's heal is decided while it is being set", async () => {
  const { remote, inForce } = await startRemote();
  const outage = await applyReceiverFault({ status: 503 }, remote);
  const [slow] = await Promise.all([applyReceiverFault({ delay: 50 }, remote), outage.heal()]);
  expect(await inForce()).toEqual({ delay: 50 });
  await slow.heal();
  expect(await inForce()).toBeNull();
});

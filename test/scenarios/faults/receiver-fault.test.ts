// `receiver` faults on the runner's own receiver and on a remote `aftershock receiver`: a step that
// starts as another ends keeps its fault when the earlier step's heal comes a moment later; a step
// inside another's window gives the outer fault back when it heals; the last heal brings back 200;
// and a step whose fault the receiver refused takes nothing over.
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
  const stopped = async () => {
    stop();
    await exited;
  };
  cleanup.push(stopped);
  const url = await waitFor(() => /listening on (http:\/\/[\d.:]+)/.exec(line)?.[1], { message: 'the receiver to listen' });
  const remote = await connectRemoteReceiver({ url, now: () => performance.now(), identify: () => ({ delivery_id: '', event_id: '', webhook_id: '' }), onReceipt: () => undefined, onError: () => undefined });
  cleanup.push(() => remote.close());
  const inForce = async () => ((await (await fetch(`${url}/_receiver/fault`)).json()) as { fault: unknown }).fault;
  return { remote, inForce, hook: `${url}/hook`, stop: stopped };
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

it('puts the outer step\'s fault back when an inner step within its window heals, and answers 200 after the last heal', async () => {
  const outage = await applyReceiverFault({ status: 503 }, receiver);
  const slow = await applyReceiverFault({ delay: 10 }, receiver);
  expect(await post()).toBe(200);
  await slow.heal();
  expect(await post()).toBe(503);
  await outage.heal();
  expect(await post()).toBe(200);

  const outer = await applyReceiverFault({ status: 503 }, receiver);
  const middle = await applyReceiverFault({ status: 429 }, receiver);
  const inner = await applyReceiverFault({ status: 500 }, receiver);
  await inner.heal();
  expect(await post()).toBe(429);
  await outer.heal();
  expect(await post()).toBe(429);
  await middle.heal();
  expect(await post()).toBe(200);
});

it('cuts the requests an inner hang held when it heals, and answers with the outer fault again', async () => {
  const outage = await applyReceiverFault({ status: 503 }, receiver);
  const hang = await applyReceiverFault({ hang: true }, receiver);
  const held = fetch(receiver.url, { method: 'POST', body: '{}', signal: AbortSignal.timeout(3_000) }).then(
    (res) => `answered ${res.status}`,
    (err: Error) => (err.name === 'TimeoutError' ? 'still held after 3 s' : 'cut'),
  );
  await waitFor(() => receiver.inFlight() === 1, { message: 'the request to be held' });
  await hang.heal();
  expect(await held).toBe('cut');
  expect(await post()).toBe(503);
  await outage.heal();
  expect(await post()).toBe(200);
});

it('reports a heal it could not finish, with what it could not put back, and does not reject', async () => {
  const { remote, stop } = await startRemote();
  const errors: unknown[] = [];
  await applyReceiverFault({ status: 503 }, remote, (err) => errors.push(err));
  const slow = await applyReceiverFault({ delay: 50 }, remote, (err) => errors.push(err));
  await stop();
  await slow.heal();
  expect(errors.map((e) => (e as Error).message)).toEqual(['healing the receiver: fetch failed; putting back the fault of the step still in its window ({"status":503}): fetch failed']);
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

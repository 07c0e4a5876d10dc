// The runner drives a remote `aftershock receiver` (as against the playground's `receiver` service):
// a scenario's `receiver` fault is set and healed through the control API, and the receipts come back
// into the run's history on the run's clock.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { ReceiptRecord } from '../../../scenarios/history/history.js';
import { loadHistory } from '../../../scenarios/history/jsonl.js';
import { connectRemoteReceiver } from '../../../scenarios/receiver/remote-receiver.js';
import { identifyWebhook, receiverCli } from '../../../scenarios/receiver/receiver-cli.js';
import { runScenario } from '../../../scenarios/runner/run-scenario.js';
import { waitFor } from '../../support/wait-for.js';
import { FAKE_ADAPTER, startFakeEventService, type FakeEventService } from '../support/fake-event-service.js';

let service: FakeEventService | undefined;
let stop: (() => void) | undefined;
let exited: Promise<number> | undefined;
afterEach(async () => {
  stop?.();
  await exited;
  await service?.close();
});

/** Runs `aftershock receiver --port 0` in this process until the test ends; resolves to its URL. */
async function startRemoteReceiver(): Promise<string> {
  let line = '';
  exited = receiverCli(['--port', '0', '--seed', '1'], { log: (l) => (line = l), stopped: () => new Promise<void>((resolve) => (stop = resolve)) });
  return waitFor(() => /listening on (http:\/\/[\d.:]+)/.exec(line)?.[1], { message: 'the receiver to listen' });
}

it('sets and heals a receiver fault through the control API and records the remote receipts', async () => {
  const receiverUrl = await startRemoteReceiver();
  service = await startFakeEventService();
  const journal = await runScenario(
    {
      title: 'remote receiver',
      target: { kind: 'url', base_url: service.url },
      adapter: FAKE_ADAPTER as never,
      load: { rate: 20 },
      phases: { baseline: '1s', fault: '1s', recovery: '1s' },
      method: [{ at: '1s', for: '1s', fault: { receiver: { status: 503 } } }],
      quiesce: '1s',
    },
    { seed: 5, receiverUrl, out: await mkdtemp(join(tmpdir(), 'aftershock-remote-')) },
  );
  const step = journal.activities[0]!;
  expect(step.status).toBe('healed');
  const receipts = (await loadHistory(journal.outputs.history)).filter((r): r is ReceiptRecord => r.kind === 'receipt');
  // Clear of the edges of the window (the fault is set and healed over HTTP, a few ms either side).
  const inside = receipts.filter((r) => r.start > step.started! + 100 && r.end < step.healed! - 100);
  const after = receipts.filter((r) => r.start > step.healed! + 100);
  expect(inside.length).toBeGreaterThan(5);
  expect(after.length).toBeGreaterThan(5);
  expect(inside.every((r) => r.status === 503)).toBe(true);
  expect(after.every((r) => r.status === 200)).toBe(true);
  expect(receipts.every((r) => r.event_id !== '' && r.delivery_id.startsWith('dlv-'))).toBe(true);
  expect(await (await fetch(`${receiverUrl}/_receiver/fault`)).json()).toEqual({ fault: null });
});

it("takes only the receipts at the run's own webhook URL, not those of a webhook an earlier run left registered", async () => {
  const receiverUrl = await startRemoteReceiver();
  const connect = async (runId?: string) => {
    const taken: ReceiptRecord[] = [];
    const receiver = await connectRemoteReceiver({ url: receiverUrl, runId, now: () => 0, identify: identifyWebhook, onReceipt: (r) => taken.push(r), onError: () => undefined, pollMs: 50 });
    return { receiver, taken };
  };
  const earlier = await connect('run-a');
  const later = await connect();
  const proxied = await connectRemoteReceiver({ url: receiverUrl, webhookUrl: 'http://proxy.example:8000/in/', runId: 'run-c', now: () => 0, identify: identifyWebhook, onReceipt: () => undefined, onError: () => undefined });
  expect(earlier.receiver.url).toBe(`${receiverUrl}/hook/run-a`);
  expect(later.receiver.url).toMatch(new RegExp(`^${receiverUrl}/hook/[0-9a-f]{12}$`));
  expect(proxied.url).toBe('http://proxy.example:8000/in/run-c');
  await proxied.close();
  const deliver = (url: string, id: string) => fetch(url, { method: 'POST', headers: { 'webhook-id': id }, body: JSON.stringify({ event_id: id }) }).then((r) => r.text());
  // The shared path every run used to register, and each run's own.
  await deliver(`${receiverUrl}/hook`, 'left-over');
  await deliver(earlier.receiver.url, 'for-a');
  await deliver(`${later.receiver.url}?attempt=2`, 'for-later');
  await earlier.receiver.close();
  await later.receiver.close();
  expect(earlier.taken.map((r) => r.delivery_id)).toEqual(['for-a']);
  expect(later.taken.map((r) => r.delivery_id)).toEqual(['for-later']);
});

it('judges a second run on its own deliveries while the first run\'s webhook is still registered', async () => {
  const receiverUrl = await startRemoteReceiver();
  // The fake keeps every subscription (FAKE_ADAPTER has no unregister_webhook, as the init starter),
  // and delivers each event to all of them.
  service = await startFakeEventService();
  const run = async () => {
    const journal = await runScenario(
      { title: 'remote twice', target: { kind: 'url', base_url: service!.url }, adapter: FAKE_ADAPTER as never, load: { rate: 20 }, phases: { baseline: '1s', fault: '1s', recovery: '1s' }, quiesce: '2s' },
      { seed: 1, receiverUrl, out: await mkdtemp(join(tmpdir(), 'aftershock-remote-')) },
    );
    const history = await loadHistory(journal.outputs.history);
    const created = new Set(history.flatMap((r) => (r.kind === 'op' && r.type === 'ok' && typeof r.value?.event_id === 'string' ? [r.value.event_id] : [])));
    const receipts = history.filter((r): r is ReceiptRecord => r.kind === 'receipt');
    return { journal, created, receipts };
  };
  await run();
  const second = await run();
  expect(second.created.size).toBeGreaterThan(20);
  // One receipt per event created: the copy sent to the first run's webhook is not this run's.
  expect(second.receipts.map((r) => r.event_id).sort()).toEqual([...second.created].sort());
  expect(second.journal.status, second.journal.errors.join('; ')).toBe('completed');
});

it('exits the run with set-up failed when the receiver cannot be reached', async () => {
  service = await startFakeEventService();
  const run = runScenario(
    { title: 'nowhere', target: { kind: 'url', base_url: service.url }, adapter: FAKE_ADAPTER as never, load: { rate: 1 }, phases: { baseline: '1s', fault: '1s', recovery: '1s' } },
    { receiverUrl: 'http://127.0.0.1:9', out: await mkdtemp(join(tmpdir(), 'aftershock-remote-')) },
  );
  await expect(run).rejects.toMatchObject({ code: 'setup_failed', message: expect.stringContaining('cannot reach the receiver at http://127.0.0.1:9') });
});

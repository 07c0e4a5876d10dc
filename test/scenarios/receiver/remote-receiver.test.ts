// The runner drives a remote `aftershock receiver` (as against the playground's `receiver` service):
// a scenario's `receiver` fault is set and healed through the control API, and the receipts come back
// into the run's history on the run's clock.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { ReceiptRecord } from '../../../scenarios/history/history.js';
import { loadHistory } from '../../../scenarios/history/jsonl.js';
import { receiverCli } from '../../../scenarios/receiver/receiver-cli.js';
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

it('exits the run with set-up failed when the receiver cannot be reached', async () => {
  service = await startFakeEventService();
  const run = runScenario(
    { title: 'nowhere', target: { kind: 'url', base_url: service.url }, adapter: FAKE_ADAPTER as never, load: { rate: 1 }, phases: { baseline: '1s', fault: '1s', recovery: '1s' } },
    { receiverUrl: 'http://127.0.0.1:9', out: await mkdtemp(join(tmpdir(), 'aftershock-remote-')) },
  );
  await expect(run).rejects.toMatchObject({ code: 'setup_failed', message: expect.stringContaining('cannot reach the receiver at http://127.0.0.1:9') });
});

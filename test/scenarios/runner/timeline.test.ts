// The method's timeline: a fault's window is stamped when the runner sends what applies it and what
// heals it, not when a slow control API answers, so the history, last_heal and the report's shading
// show the window the target was given; and a chaos rule's count is kept only when the target kept it.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { FaultRecord, HistoryRecord } from '../../../scenarios/history/history.js';
import type { Receiver } from '../../../scenarios/receiver/receiver.js';
import { runScenario } from '../../../scenarios/runner/run-scenario.js';
import { startRunClock } from '../../../scenarios/runner/run-clock.js';
import { RunRecorder } from '../../../scenarios/runner/run-recorder.js';
import { startTimeline } from '../../../scenarios/runner/timeline.js';
import { parseScenario } from '../../../scenarios/scenario/parse-scenario.js';
import { waitFor } from '../../support/wait-for.js';
import { FAKE_ADAPTER, startFakeEventService, type FakeEventService } from '../support/fake-event-service.js';

const services: FakeEventService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
});

it('stamps a chaos window when its rule is sent and its heal goes out, though the target answers 1.5 s later', async () => {
  const service = await startFakeEventService({ controlDelayMs: 1_500 });
  services.push(service);
  const journal = await runScenario(
    {
      title: 'slow control API',
      target: { kind: 'url', base_url: service.url },
      adapter: FAKE_ADAPTER,
      load: { rate: 20 },
      phases: { baseline: '1s', fault: '2s', recovery: '3s' },
      method: [{ at: '1s', for: '2s', fault: { chaos: { point: 'http_in', injector: { kind: 'http_error', status: 503 } } } }],
      quiesce: '2s',
    },
    { env: { AFTERSHOCK_ADMIN_TOKEN: 'test-admin-token' }, seed: 9, out: await mkdtemp(join(tmpdir(), 'aftershock-timeline-')) },
  );
  const [step] = journal.activities;
  expect(step?.status).toBe('healed');
  expect(step!.started! - 1_000).toBeLessThan(300);
  expect(step!.healed! - 3_000).toBeLessThan(300);
  expect(journal.last_heal).toBe(step!.healed);
  const history = (await readFile(journal.outputs.history, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as HistoryRecord);
  const window = history.filter((r): r is FaultRecord => r.kind === 'fault');
  expect(window.map((r) => [r.type, r.time])).toEqual([['start', step!.started], ['end', step!.healed]]);
});

it("keeps a chaos rule's count of 0 as the target gave it, unless a server exited in its window and lost it", async () => {
  const service = await startFakeEventService();
  services.push(service);
  const run = async (serverKilled: boolean) => {
    const clock = startRunClock();
    const recorder = new RunRecorder();
    const { method } = parseScenario({
      title: 'no load in the window',
      load: { rate: 1 },
      phases: { baseline: '1s', fault: '1s', recovery: '1s' },
      method: [{ at: '0s', for: '300ms', fault: { chaos: { point: 'http_in', injector: { kind: 'http_error', status: 503 } } } }],
    });
    const target = { baseUrl: service.url, adminToken: 'test-admin-token', webhookUrl: (url: string) => url, close: async () => undefined };
    const timeline = startTimeline(method, { seed: 1, target, receiver: {} as Receiver, clock, recorder, signal: new AbortController().signal, onError: () => undefined, onEvent: () => undefined });
    await waitFor(() => timeline.activities[0]?.status === 'applied', { message: 'the rule to be installed' });
    if (serverKilled) recorder.record({ kind: 'process', process: 'server-1', action: 'kill', signal: 'SIGKILL', time: clock.now() });
    await timeline.done;
    return timeline.activities[0]!;
  };
  expect(await run(false)).toMatchObject({ status: 'healed', injections: 0 });
  const lost = await run(true);
  expect(lost.status).toBe('healed');
  expect(lost.injections).toBeUndefined();
});

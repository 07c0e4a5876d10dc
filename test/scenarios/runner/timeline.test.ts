// The method's timeline: a fault's window is stamped when the runner sends what applies it and what
// heals it, not when a slow control API answers, so the history, last_heal and the report's shading
// show the window the target was given; a chaos rule's count is kept only when the target kept it;
// a step's fault holds for its whole window though a step inside it on the same fault point heals; and
// the rollback's heal waits for a step still being applied.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { FaultRecord, HistoryRecord } from '../../../scenarios/history/history.js';
import { receiverCli } from '../../../scenarios/receiver/receiver-cli.js';
import { startReceiver, type Receiver } from '../../../scenarios/receiver/receiver.js';
import { connectRemoteReceiver } from '../../../scenarios/receiver/remote-receiver.js';
import { runScenario } from '../../../scenarios/runner/run-scenario.js';
import { startRunClock } from '../../../scenarios/runner/run-clock.js';
import { RunRecorder } from '../../../scenarios/runner/run-recorder.js';
import { startTimeline } from '../../../scenarios/runner/timeline.js';
import { parseScenario } from '../../../scenarios/scenario/parse-scenario.js';
import { startProxyLinks } from '../../../scenarios/target/proxy-links.js';
import type { ProcessControl } from '../../../scenarios/target/target.js';
import { waitFor } from '../../support/wait-for.js';
import { FAKE_ADAPTER, startFakeEventService, type FakeEventService } from '../support/fake-event-service.js';

const services: FakeEventService[] = [];
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
  for (const close of closers.splice(0)) await close();
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

it('keeps an outer step in force on its fault point after an inner step on the same point heals, until its own end', async () => {
  const upstream = createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const proxies = await startProxyLinks({ seed: 1, runId: 'timeline-overlap' });
  const link = await proxies.link('receiver', `127.0.0.1:${(upstream.address() as AddressInfo).port}`);
  const worker = spawn('sleep', ['30'], { stdio: 'ignore' });
  const receiver = await startReceiver({ now: () => 0, random: () => 0, identify: () => ({ delivery_id: 'd', event_id: 'e', webhook_id: 'w' }), onReceipt: () => undefined });
  closers.push(
    () => receiver.close(),
    async () => void worker.kill('SIGKILL'),
    () => proxies.close(),
    () => new Promise<void>((resolve) => upstream.close(() => resolve())),
  );
  const processes: ProcessControl = { signal: (_role, _index, signal) => (worker.kill(signal), 'worker-1'), restart: async () => 'worker-1' };
  const linkAnswers = () => fetch(`http://${link.route.listen}/`, { signal: AbortSignal.timeout(1_000) }).then(() => true, () => false);
  const workerStopped = () => readFileSync(`/proc/${worker.pid}/stat`, 'utf8').split(') ')[1]!.startsWith('T');
  const receiverAnswers = async () => (await fetch(receiver.url, { method: 'POST', body: '{}' })).status;

  const outer = { at: '0ms', for: '2s' };
  const inner = { at: '100ms', for: '200ms' };
  const { method } = parseScenario({
    title: 'nested windows',
    load: { rate: 1 },
    phases: { baseline: '1s', fault: '2s', recovery: '1s' },
    method: [
      { name: 'outer link down', ...outer, fault: { proxy: { link: 'receiver', down: true } } },
      { name: 'inner link down', ...inner, fault: { proxy: { link: 'receiver', down: true } } },
      { name: 'outer freeze', ...outer, fault: { process: { stop: 'worker' } } },
      { name: 'inner freeze', ...inner, fault: { process: { stop: 'worker' } } },
      { name: 'outer outage', ...outer, fault: { receiver: { status: 503 } } },
      { name: 'inner slowness', ...inner, fault: { receiver: { delay: '10ms' } } },
    ],
  });
  const errors: unknown[] = [];
  const target = { baseUrl: 'http://127.0.0.1:1', adminToken: undefined, webhookUrl: (url: string) => url, close: async () => undefined, proxies, processes };
  const timeline = startTimeline(method, { seed: 1, target, receiver, clock: startRunClock(), recorder: new RunRecorder(), signal: new AbortController().signal, onError: (err) => errors.push(err), onEvent: () => undefined });
  const statuses = (which: 'outer' | 'inner') => timeline.activities.filter((a) => a.name.startsWith(which)).map((a) => a.status);

  await waitFor(() => statuses('inner').every((s) => s === 'healed'), { message: 'the inner steps to heal' });
  const during = { link: await linkAnswers(), stopped: workerStopped(), receiver: await receiverAnswers() };
  expect(statuses('outer')).toEqual(['applied', 'applied', 'applied']);
  expect(during).toEqual({ link: false, stopped: true, receiver: 503 });

  await timeline.done;
  expect(statuses('outer')).toEqual(['healed', 'healed', 'healed']);
  expect({ link: await linkAnswers(), stopped: workerStopped(), receiver: await receiverAnswers() }).toEqual({ link: true, stopped: false, receiver: 200 });
  expect(timeline.lastHeal()).toBe(Math.max(...timeline.activities.map((a) => a.healed!)));
  expect(timeline.lastHeal()).toBeGreaterThanOrEqual(2_000);
  expect(errors).toEqual([]);
});

it("reports a receiver heal that fails in the run's errors and still records the step's window as healed", async () => {
  let line = '';
  let stop: () => void = () => undefined;
  const exited = receiverCli(['--port', '0'], { log: (l) => (line = l), stopped: () => new Promise<void>((resolve) => (stop = resolve)) });
  closers.push(async () => {
    stop();
    await exited;
  });
  const url = await waitFor(() => /listening on (http:\/\/[\d.:]+)/.exec(line)?.[1], { message: 'the receiver to listen' });
  const receiver = await connectRemoteReceiver({ url, now: () => 0, identify: () => ({ delivery_id: '', event_id: '', webhook_id: '' }), onReceipt: () => undefined, onError: () => undefined });
  closers.push(() => receiver.close());
  const { method } = parseScenario({
    title: 'receiver gone mid-window',
    load: { rate: 1 },
    phases: { baseline: '1s', fault: '1s', recovery: '1s' },
    method: [{ name: 'outage', at: '0ms', for: '400ms', fault: { receiver: { status: 503 } } }],
  });
  const errors: unknown[] = [];
  const target = { baseUrl: 'http://127.0.0.1:1', adminToken: undefined, webhookUrl: (u: string) => u, close: async () => undefined };
  const timeline = startTimeline(method, { seed: 1, target, receiver, clock: startRunClock(), recorder: new RunRecorder(), signal: new AbortController().signal, onError: (err) => errors.push(err), onEvent: () => undefined });
  await waitFor(() => timeline.activities[0]!.status === 'applied', { message: 'the fault to be set' });
  stop();
  await exited;
  await timeline.done;
  expect(timeline.activities[0]).toMatchObject({ status: 'healed' });
  expect(errors.map((e) => (e as Error).message)).toEqual(['healing the receiver: fetch failed']);
});

it('heals, when asked, a step whose fault is still being applied: the rollback of a run stopped mid-apply does not miss it', async () => {
  // The target takes 500 ms to answer a chaos call: the run stops while the rule is on its way.
  const service = await startFakeEventService({ controlDelayMs: 500 });
  services.push(service);
  const { method } = parseScenario({
    title: 'stopped mid-apply',
    load: { rate: 1 },
    phases: { baseline: '1s', fault: '5s', recovery: '1s' },
    method: [{ at: '0s', for: '5s', fault: { chaos: { point: 'http_in', injector: { kind: 'http_error', status: 503 } } } }],
  });
  const stop = new AbortController();
  const target = { baseUrl: service.url, adminToken: 'test-admin-token', webhookUrl: (url: string) => url, close: async () => undefined };
  const timeline = startTimeline(method, { seed: 1, target, receiver: {} as Receiver, clock: startRunClock(), recorder: new RunRecorder(), signal: stop.signal, onError: () => undefined, onEvent: () => undefined });
  await waitFor(() => service.controlCalls.some((c) => c.startsWith('PUT /_chaos/rules')), { message: 'the rule to be sent' });
  stop.abort();
  await timeline.heal();
  // By the time the rollback's heal returns, the rule has landed and been taken off again.
  expect(timeline.activities[0]).toMatchObject({ status: 'healed' });
  expect(service.controlCalls.filter((c) => !c.startsWith('GET'))).toEqual(['PUT /_chaos/rules', `DELETE /_chaos/rules/aftershock-1-1`]);
  expect(service.rules()).toEqual([]);
  await timeline.done;
});

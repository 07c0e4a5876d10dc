// Exploring a service of the user's own, through the command line as a user runs it: a url target the
// test runs (webhooks retried, or dropped on a 5xx when the bug is planted), and a command target the
// exploration starts, kills -9 and restarts (events kept, or lost when written behind). Exploration
// finds each planted bug, shrinks it, writes a scenario `aftershock run` fails on the same checker,
// and holds on the same service without the bug.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../scenarios/cli/run-cli.js';
import { exploreCli } from '../../../scenarios/explore/explore-cli.js';
import { startExploreStack, startExploreStore } from '../../../scenarios/explore/explore-stack.js';
import { startExploreTarget, type ServiceScenario } from '../../../scenarios/explore/explore-target.js';
import { runSchedule } from '../../../scenarios/explore/run-schedule.js';
import { RunRecorder } from '../../../scenarios/runner/run-recorder.js';
import { parseScenario } from '../../../scenarios/scenario/parse-scenario.js';
import { textSink } from '../../support/text-sink.js';
import { unusedPort } from '../../support/unused-port.js';
import { waitFor } from '../../support/wait-for.js';
import { durableServiceScenario } from './support/durable-service.js';
import { RETRYING_ADAPTER, startRetryingService } from './support/retrying-service.js';

async function command(run: typeof exploreCli | typeof runCli, args: string[], env?: Record<string, string | undefined>): Promise<{ code: number; out: string; err: string }> {
  const out = textSink();
  const err = textSink();
  const code = run === exploreCli ? await exploreCli(args, { out: out.stream, err: err.stream }, env) : await run(args, { out: out.stream, err: err.stream });
  return { code, out: out.text(), err: err.text() };
}

/** The scenario file and replay of a FOUND summary. */
function found(out: string): { scenario: string; replay: string } {
  const scenario = /^ {2}scenario: (.+)$/m.exec(out)?.[1];
  const replay = /^ {2}replay: {3}(.+)$/m.exec(out)?.[1];
  if (!scenario || !replay) throw new Error(`no scenario in:\n${out}`);
  return { scenario, replay };
}

// Short windows: these services retry every 50 ms and start in a fraction of a second. A finding's time
// budget bounds its shrinking and leaves a loaded machine time for the first schedules; a holding
// exploration is bounded by its count of schedules.
const FAST = ['--window', '600ms', '--quiesce', '800ms', '--no-progress'];

describe('aftershock explore --scenario', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'aftershock-explore-service-'));
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function urlScenario(url: string, name: string): Promise<string> {
    const file = join(dir, name);
    await writeFile(file, JSON.stringify({ title: 'retrying service', target: { kind: 'url', base_url: url }, adapter: RETRYING_ADAPTER, load: { rate: 20 }, phases: { baseline: '1s', fault: '2s', recovery: '1s' }, quiesce: '5s' }));
    return file;
  }

  it('finds a delivery dropped on a receiver 5xx, shrinks it, and writes a scenario aftershock run fails the same way', async () => {
    const service = await startRetryingService({ dropOn5xx: true });
    try {
      const file = await urlScenario(service.url, 'buggy.json');
      const out = join(dir, 'found-url');
      // Seed 7 draws a receiver 500 for 391 ms and a 503 for 178 ms in its first schedule.
      const explored = await command(exploreCli, ['--scenario', file, '--seed', '7', '--runs', '5', '--time', '8s', '--out', out, ...FAST]);
      expect(explored.code, explored.out + explored.err).toBe(1);
      expect(explored.out).toMatch(/^faults: receiver · not offered: process \(the runner does not start a url target[^)]*\); proxy \([^)]*\); worker, dynamodb \(the http adapter has no chaos control\)$/m);
      expect(explored.out).toMatch(/^ {2}FAIL deliveries_complete: /m);
      expect(explored.out).toMatch(/^ {4}at \+\d+ms for \d+ms: receiver status 50[03]$/m);
      const { scenario, replay } = found(explored.out);
      expect(replay).toBe(`npx aftershock run ${scenario}`);
      const written = await readFile(scenario, 'utf8');
      expect(written).toContain(`base_url: ${service.url}`);
      expect(written).toContain('unregister_webhook:');
      // Every schedule's webhook was removed once it was judged.
      expect(service.registrations()).toBeGreaterThan(1);
      expect([...service.webhooks.keys()]).toEqual([]);

      const replayed = await command(runCli, [scenario, '--out', join(dir, 'replay-url')]);
      expect(replayed.code, replayed.out + replayed.err).toBe(1);
      expect(replayed.out).toMatch(/^ {2}FAIL deliveries_complete: /m);
    } finally {
      await service.close();
    }
  }, 30_000);

  it('holds for a bounded number of schedules against the same service without the bug', async () => {
    const service = await startRetryingService();
    try {
      const file = await urlScenario(service.url, 'fixed.json');
      const explored = await command(exploreCli, ['--scenario', file, '--seed', '7', '--runs', '3', '--time', '60s', '--out', join(dir, 'held-url'), ...FAST]);
      expect(explored.code, explored.out + explored.err).toBe(0);
      expect(explored.out).toMatch(/^HELD {2}3 schedules explored/m);
      expect(explored.out).toContain('receiver status 50');
      expect(service.registrations()).toBe(3);
      expect([...service.webhooks.keys()]).toEqual([]);
    } finally {
      await service.close();
    }
  }, 90_000);

  it('starts a command once, finds events lost to a kill -9, and stops it at the end', async () => {
    const port = await unusedPort();
    const file = join(dir, 'durable.json');
    await writeFile(file, JSON.stringify(await durableServiceScenario(dir, port, true)));
    const explored = await command(exploreCli, ['--scenario', file, '--seed', '1', '--runs', '3', '--time', '6s', '--faults', 'process', '--out', join(dir, 'found-cmd'), ...FAST]);
    expect(explored.code, explored.out + explored.err).toBe(1);
    expect(explored.out).toMatch(/^faults: process · not offered: worker, dynamodb \(the http adapter has no chaos control\)$/m);
    expect(explored.out).toMatch(/^ {4}at \+\d+ms for \d+ms: process kill -9 server and restart$/m);
    expect(explored.out).toMatch(/^ {2}FAIL no_lost_events: /m);
    // The command is stopped with the exploration.
    const after = await fetch(`http://127.0.0.1:${port}/`).then(
      (r) => r.status,
      () => 0,
    );
    expect(after).toBe(0);

    const replayed = await command(runCli, [found(explored.out).scenario, '--out', join(dir, 'replay-cmd')]);
    expect(replayed.code, replayed.out + replayed.err).toBe(1);
    expect(replayed.out).toMatch(/^ {2}FAIL no_lost_events: /m);
  }, 30_000);

  it('holds for a bounded number of kills -9 of the same command without the bug', async () => {
    const port = await unusedPort();
    const file = join(dir, 'durable-fixed.json');
    await writeFile(file, JSON.stringify(await durableServiceScenario(dir, port, false)));
    const explored = await command(exploreCli, ['--scenario', file, '--seed', '1', '--runs', '2', '--time', '60s', '--faults', 'process', '--out', join(dir, 'held-cmd'), ...FAST]);
    expect(explored.code, explored.out + explored.err).toBe(0);
    expect(explored.out).toMatch(/^ {7}2 × process kill -9 server and restart$/m);
  }, 90_000);

  it('stops on SIGTERM: the schedule running is healed, its webhook removed, and it exits 130', async () => {
    const service = await startRetryingService();
    try {
      const file = await urlScenario(service.url, 'terminated.json');
      const exploring = command(exploreCli, ['--scenario', file, '--seed', '7', '--runs', '50', '--time', '5m', '--out', join(dir, 'terminated'), ...FAST]);
      await waitFor(() => service.registrations() >= 2, { timeoutMs: 20_000, message: 'a second schedule to start' });
      // As a CI job's timeout sends it; the command's own handler takes it (emit calls the listeners only).
      process.emit('SIGTERM');
      const { code, out } = await exploring;
      expect(code, out).toBe(130);
      expect(out).toMatch(/^HELD {2}\d+ schedules explored.*, interrupted$/m);
      expect(service.registrations()).toBeLessThan(50);
      expect([...service.webhooks.keys()]).toEqual([]);
    } finally {
      await service.close();
    }
  }, 60_000);

  it('holds when one schedule runs twice against an idempotent service: each run sends its own keys', async () => {
    // As a shrink revisits a schedule, or the documented replay explores again: the same keys would
    // be answered with the first run's events, delivered to the first run's webhook path.
    const service = await startRetryingService();
    const scenario = parseScenario({ title: 'retrying service', target: { kind: 'url', base_url: service.url }, adapter: RETRYING_ADAPTER, load: { rate: 10 }, phases: { baseline: '1s', fault: '1s', recovery: '1s' } });
    const target = await startExploreTarget(scenario as ServiceScenario, { seed: 3, env: {} });
    try {
      const schedule = { rate: 10, faults: [{ at: 0, for: 100, fault: { receiver: { delay: 20 } } }] };
      for (const attempt of [1, 2]) {
        const outcome = await runSchedule(schedule, { target, seed: 3, shape: { baselineMs: 100, faultMs: 400, recoveryMs: 100 }, quiesceMs: 3_000 });
        expect(outcome.valid, `run ${attempt}: ${JSON.stringify(outcome.failed)}`).toBe(true);
      }
    } finally {
      await target.close();
      await service.close();
    }
  }, 30_000);

  it("judges a schedule by its own webhook's receipts: a late delivery to an earlier schedule's path is not recorded", async () => {
    const service = await startRetryingService();
    const scenario = parseScenario({ title: 'retrying service', target: { kind: 'url', base_url: service.url }, adapter: RETRYING_ADAPTER, load: { rate: 5 }, phases: { baseline: '1s', fault: '1s', recovery: '1s' } });
    const target = await startExploreTarget(scenario as ServiceScenario, { seed: 1, env: {} });
    try {
      const recorder = new RunRecorder();
      const schedule = { rate: 5, faults: [{ at: 0, for: 100, fault: { receiver: { status: 503 } } }] };
      const host = await target.open({ schedule, seed: 1, shape: { baselineMs: 100, faultMs: 200, recoveryMs: 100 }, runId: 'second', quiesceMs: 100, recorder, now: () => 0 });
      expect(host.webhookUrl).toMatch(/\/hook\/second$/);
      const post = (url: string, eventId: string) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'webhook-id': `dlv-${eventId}` }, body: JSON.stringify({ event_id: eventId }) });
      await post(host.webhookUrl.replace(/second$/, 'first'), 'evt-earlier');
      await post(host.webhookUrl, 'evt-this');
      await host.close();
      expect(recorder.history.filter((r) => r.kind === 'receipt').map((r) => r.kind === 'receipt' && r.event_id)).toEqual(['evt-this']);
    } finally {
      await target.close();
      await service.close();
    }
  });

  it("offers chaos faults when the target's chaos control answers its admin token with chaos on, and refuses them once it is off", async () => {
    const store = await startExploreStore();
    const stack = await startExploreStack(store, 5);
    try {
      const file = join(dir, 'triggers-api.json');
      await writeFile(file, JSON.stringify({ title: 'triggers api', target: { kind: 'url', base_url: stack.url }, load: { rate: 5 }, phases: { baseline: '1s', fault: '1s', recovery: '1s' } }));
      const env = { AFTERSHOCK_ADMIN_TOKEN: stack.adminToken };
      const args = ['--scenario', file, '--seed', '2', '--runs', '1', '--faults', 'dynamodb', '--window', '400ms', '--quiesce', '3s', '--out', join(dir, 'chaos')];
      const on = await command(exploreCli, args, env);
      expect(on.code, on.out + on.err).toBeLessThanOrEqual(1);
      expect(on.out).toMatch(/^faults: dynamodb · not offered: process \([^)]*\); proxy \([^)]*\)$/m);
      expect(on.out).toMatch(/^ {2}#1 .* · dynamodb /m);

      const off = await fetch(`${stack.url}/_chaos/enabled`, { method: 'PUT', headers: { authorization: `Bearer ${stack.adminToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ enabled: false }) });
      expect(off.ok).toBe(true);
      const refused = await command(exploreCli, args, env);
      expect(refused.code).toBe(2);
      expect(refused.err).toBe("aftershock explore: --faults dynamodb: the target's chaos engine is off: start it with CHAOS_ENABLED=true; this target can take receiver (see aftershock explore --help)\n");
    } finally {
      await stack.close();
      await store.stop();
    }
  }, 30_000);
});

// Proof that the runner judges: scenarios against deliberately broken targets fail (status failed,
// exit 1) with the right gate or checker named in the journal and in junit.xml, read back with a
// real JUnit consumer (junit2json).
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'junit2json';
import { afterEach, describe, expect, it } from 'vitest';
import type { ScenarioInput } from '../../../scenarios/scenario/scenario-schema.js';
import { runScenario } from '../../../scenarios/runner/run-scenario.js';
import { FAKE_ADAPTER, startFakeEventService, type FakeBehaviour, type FakeEventService } from '../support/fake-event-service.js';

const services: FakeEventService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
});

async function fake(behaviour: FakeBehaviour): Promise<FakeEventService> {
  const service = await startFakeEventService(behaviour);
  services.push(service);
  return service;
}

function scenario(url: string, extra: Partial<ScenarioInput> = {}): ScenarioInput {
  return {
    title: 'broken target',
    target: { kind: 'url', base_url: url },
    adapter: FAKE_ADAPTER as ScenarioInput['adapter'],
    load: { rate: 20 },
    phases: { baseline: '1s', fault: '1s', recovery: '2s' },
    steady_state: [{ name: 'ingest ok', metric: 'success_rate', tolerance: '>= 0.99' }],
    quiesce: '3s',
    ...extra,
  };
}

async function failedCases(junitPath: string): Promise<string[]> {
  const report = await parse(await readFile(junitPath, 'utf8'));
  const suites = (report as { testsuite?: { testcase?: { name?: string; failure?: unknown[] }[] }[] }).testsuite ?? [];
  return suites.flatMap((s) => s.testcase ?? []).filter((c) => (c.failure?.length ?? 0) > 0).map((c) => c.name ?? '');
}

const env = { AFTERSHOCK_ADMIN_TOKEN: 'test-admin-token' };
const out = () => mkdtemp(join(tmpdir(), 'aftershock-run-'));

describe('runner against broken targets', () => {
  it('fails no_lost_events when a service acknowledges every 10th event and drops it', async () => {
    const service = await fake({ loseEvery: 10 });
    const journal = await runScenario(scenario(service.url, { gates: [{ invariants: ['no_lost_events', 'no_concurrent_double_delivery'] }] }), { env, out: await out(), seed: 7 });
    expect(journal.status).toBe('failed');
    const lost = journal.gates.find((g) => g.name === 'no_lost_events');
    expect(lost?.passed).toBe(false);
    expect(journal.gates.find((g) => g.name === 'no_concurrent_double_delivery')?.passed).toBe(true);
    expect(await failedCases(journal.outputs.junit)).toEqual(['no_lost_events']);
  });

  it('fails no_concurrent_double_delivery when a service sends one delivery twice at once', async () => {
    const service = await fake({ doubleDeliver: 3 });
    // The receiver takes 200 ms to answer, so the two copies are both in flight at once.
    const slow = [{ at: '0s', for: '4s', fault: { receiver: { delay: '200ms' } } }];
    const journal = await runScenario(scenario(service.url, { method: slow, gates: [{ invariants: ['no_lost_events', 'no_concurrent_double_delivery'] }] }), { env, out: await out(), seed: 7 });
    expect(journal.status).toBe('failed');
    expect(journal.gates.filter((g) => !g.passed).map((g) => g.name)).toEqual(['no_concurrent_double_delivery']);
    expect(await failedCases(journal.outputs.junit)).toEqual(['no_concurrent_double_delivery']);
  });

  it('fails the recovery gate when the target never heals its chaos rule', async () => {
    const service = await fake({ neverHeal: true });
    const journal = await runScenario(
      scenario(service.url, {
        method: [{ at: '1s', for: '1s', fault: { chaos: { point: 'http_in', injector: { kind: 'http_error', status: 503 } } } }],
        gates: [{ recovery_time: '<= 1s', probes: ['ingest ok'], hold: '1s' }],
      }),
      { env, out: await out(), seed: 7 },
    );
    expect(journal.status).toBe('failed');
    const gate = journal.gates.find((g) => g.kind === 'recovery_time');
    expect(gate).toMatchObject({ name: 'recovery_time: ingest ok', passed: false, measured: null });
    expect(journal.recovery).toEqual([{ probe: 'ingest ok', recovery_ms: null }]);
    expect(await failedCases(journal.outputs.junit)).toEqual(['recovery_time: ingest ok']);
  });

  it('measures recovery time within one bucket on a target scripted to recover 2 s after the heal', async () => {
    const service = await fake({ recoverAfterHealMs: 2_000 });
    const journal = await runScenario(
      scenario(service.url, {
        phases: { baseline: '1s', fault: '1s', recovery: '5s' },
        method: [{ at: '1s', for: '1s', fault: { chaos: { point: 'http_in', injector: { kind: 'http_error', status: 503 } } } }],
        gates: [{ recovery_time: '<= 4s', probes: ['ingest ok'], hold: '1s' }],
      }),
      { env, out: await out(), seed: 7 },
    );
    // The fake recovers 2 s after its heal arrives, and the probe holds from the first whole 1-s bucket
    // after that: 2–3 s from the heal's arrival. The run stamps the heal when it sends it, so the heal's
    // trip to the target (milliseconds; more on a loaded machine) comes on top: 500 ms is allowed for it.
    const [recovery] = journal.recovery;
    expect(recovery?.recovery_ms).toBeGreaterThanOrEqual(1_000);
    expect(recovery?.recovery_ms).toBeLessThanOrEqual(3_500);
    expect(journal.status).toBe('completed');
    expect(service.controlCalls.some((c) => c.startsWith('DELETE /_chaos/rules/'))).toBe(true);
  });

  it('stops at the end of the failing phase with --fail-fast, rolls back, and reports aborted', async () => {
    const service = await fake({});
    const journal = await runScenario(
      scenario(service.url, {
        phases: { baseline: '1s', fault: '1s', recovery: '10s' },
        method: [{ at: '1s', for: '1s', fault: { chaos: { point: 'http_in', injector: { kind: 'http_error', status: 503 } } } }],
        gates: [{ phase: 'fault', metric: 'success_rate', tolerance: '>= 0.99' }],
      }),
      { env, out: await out(), seed: 7, failFast: true },
    );
    expect(journal.status).toBe('aborted');
    expect(journal.gates.find((g) => g.kind === 'phase')?.passed).toBe(false);
    // Stopped soon after the fault phase (2 s), not at the end of the 12 s run.
    expect(journal.rollbacks[0]!.time).toBeLessThan(8_000);
    expect(service.rules()).toEqual([]);
    // What was planned up to the stop: every request sent, and any dropped.
    const invokes = (await readFile(journal.outputs.history, 'utf8')).trim().split('\n').filter((l) => (JSON.parse(l) as { type?: string }).type === 'invoke').length;
    expect(invokes).toBeGreaterThan(20);
    expect(journal.load.intended).toBe(invokes + journal.load.dropped);
  });
});

// Replays and interruptions: the same seed gives the same load schedule and fault decisions; a run
// signalled in the middle of a fault heals the target, says `interrupted`, and the CLI exits 130.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OpRecord } from '../../../scenarios/history/history.js';
import { loadPlan } from '../../../scenarios/runner/load-driver.js';
import { runScenario } from '../../../scenarios/runner/run-scenario.js';
import { parseScenario } from '../../../scenarios/scenario/parse-scenario.js';
import type { ScenarioInput } from '../../../scenarios/scenario/scenario-schema.js';
import { waitFor } from '../../support/wait-for.js';
import { FAKE_ADAPTER, startFakeEventService, type FakeEventService } from '../support/fake-event-service.js';

const services: FakeEventService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
});

const env = { AFTERSHOCK_ADMIN_TOKEN: 'test-admin-token' };
const chaosStep = { at: '1s', for: '1s', fault: { chaos: { point: 'http_in', injector: { kind: 'latency', ms: 5 }, probability: 0.5 } } } as const;

function scenario(url: string): ScenarioInput {
  return {
    title: 'replay',
    target: { kind: 'url', base_url: url },
    adapter: FAKE_ADAPTER as ScenarioInput['adapter'],
    load: { rate: 20, mix: { create_event: 3, read_event: 1 }, event_types: ['a.created', 'b.created', 'c.created'] },
    phases: { baseline: '1s', fault: '1s', recovery: '1s' },
    method: [chaosStep],
    quiesce: '2s',
  };
}

/**
 * What a replay must reproduce: each request's slot, operation, event type and intended start. A read
 * planned before any create has answered is sent as a create (the driver's documented fallback), which
 * depends on how fast the first answer came: such a create is read back as the read it stands for.
 */
function schedule(history: string, seed: number): string[] {
  const plan = loadPlan(parseScenario(scenario('http://127.0.0.1:1')).load, seed);
  const invokes = history
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as OpRecord)
    .filter((r) => r.kind === 'op' && r.type === 'invoke');
  const origin = invokes[0]?.intended ?? 0;
  return invokes.map((r) => {
    const fallback = r.f === 'create_event' && plan(r.process).f === 'read_event';
    const op = fallback ? 'read_event ' : `${r.f} ${r.value.event_type ?? ''}`;
    return `${r.process} ${op} +${Math.round(r.intended! - origin)}ms`;
  });
}

describe('replay and interruption', () => {
  it('replays the same load schedule and chaos rules from the same seed, and another seed differs', async () => {
    const runs = [];
    for (const seed of [11, 11]) {
      const service = await startFakeEventService();
      services.push(service);
      const journal = await runScenario(scenario(service.url), { env, seed, out: await mkdtemp(join(tmpdir(), 'aftershock-replay-')) });
      runs.push({ journal, service, history: await readFile(journal.outputs.history, 'utf8') });
    }
    const [a, b] = runs as [(typeof runs)[0], (typeof runs)[0]];
    expect(a.journal.seed).toBe(11);
    expect(schedule(a.history, 11).length).toBeGreaterThan(40);
    expect(schedule(a.history, 11)).toEqual(schedule(b.history, 11));
    // The rule the target's engine draws its decisions from is named by seed and step, so it is the same.
    expect(a.service.controlCalls.filter((c) => c.startsWith('PUT'))).toEqual(b.service.controlCalls.filter((c) => c.startsWith('PUT')));
    expect(a.journal.replay).toContain('seed: 11');
    const parsed = parseScenario(scenario('http://127.0.0.1:1'));
    const plan = (seed: number) => Array.from({ length: 50 }, (_, i) => loadPlan(parsed.load, seed)(i));
    expect(plan(11)).toEqual(plan(11));
    expect(plan(12)).not.toEqual(plan(11));
  });

  it('sends the share of creates load.idempotency_keys asks for with a key, the same ones for the same seed', () => {
    const plan = (seed: number, share?: number) => {
      const parsed = parseScenario({ ...scenario('http://127.0.0.1:1'), load: { ...scenario('').load, ...(share === undefined ? {} : { idempotency_keys: share }) } });
      return Array.from({ length: 400 }, (_, i) => loadPlan(parsed.load, seed)(i));
    };
    expect(plan(5).some((p) => p.keyless)).toBe(false);
    expect(plan(5, 1)).toEqual(plan(5));
    const half = plan(5, 0.5);
    expect(half).toEqual(plan(5, 0.5));
    const share = half.filter((p) => p.keyless).length / half.length;
    expect(share).toBeGreaterThan(0.4);
    expect(share).toBeLessThan(0.6);
    expect(plan(5, 0).every((p) => p.keyless)).toBe(true);
  });

  it('heals the target and reports interrupted when aborted in the middle of a fault', async () => {
    const service = await startFakeEventService();
    services.push(service);
    const abort = new AbortController();
    const running = runScenario(
      { ...scenario(service.url), phases: { baseline: '1s', fault: '10s', recovery: '1s' }, method: [{ ...chaosStep, for: '10s' }] },
      { env, seed: 3, signal: abort.signal, out: await mkdtemp(join(tmpdir(), 'aftershock-int-')) },
    );
    await waitFor(() => service.rules().length === 1, { timeoutMs: 10_000, message: 'the chaos rule to be installed' });
    abort.abort();
    const journal = await running;
    expect(journal.status).toBe('interrupted');
    expect(service.rules()).toEqual([]);
    expect(journal.activities[0]?.status).toBe('healed');
    expect(journal.rollbacks.map((r) => r.heal)).toEqual(['all']);
  });

  it('counts the requests planned up to an interruption, and says the run stopped before any recovery', async () => {
    const service = await startFakeEventService();
    services.push(service);
    const abort = new AbortController();
    let ticked = 0;
    const running = runScenario(
      {
        ...scenario(service.url),
        phases: { baseline: '1s', fault: '4s', recovery: '2s' },
        method: [{ ...chaosStep, at: '4s' }],
        steady_state: [{ name: 'ingest ok', metric: 'success_rate', of: 'create_event', tolerance: '>= 0.9' }],
        gates: [{ recovery_time: '<= 1s', probes: ['ingest ok'], hold: '1s' }],
      },
      { env, seed: 3, signal: abort.signal, out: await mkdtemp(join(tmpdir(), 'aftershock-int-')), onEvent: (e) => void (e.type === 'tick' && (ticked = e.time)) },
    );
    await waitFor(() => ticked >= 1_000, { timeoutMs: 10_000, message: 'a second of load' });
    abort.abort();
    const journal = await running;
    expect(journal.status).toBe('interrupted');
    const invokes = (await readFile(journal.outputs.history, 'utf8')).trim().split('\n').filter((l) => (JSON.parse(l) as OpRecord).type === 'invoke').length;
    expect(invokes).toBeGreaterThan(10);
    expect(journal.load.intended).toBe(invokes + journal.load.dropped);
    expect(journal.last_heal).toBeNull();
    // Stopped after the first second of load; a loaded machine may see the next tick first, never the recovery.
    expect(journal.gates[0]?.detail).toMatch(/^not judged \(the run stopped at [1-4](\.\d+)?s, before the recovery phase from 5s, and no fault was healed\)$/);
    expect(journal.gates[0]).toMatchObject({ judged: false, passed: false, measured: null });
    expect(journal.recovery).toEqual([{ probe: 'ingest ok', recovery_ms: null, judged: false }]);
  });

  it('exits 130 from the command line on SIGINT mid-fault, with the target healed', async () => {
    const service = await startFakeEventService();
    services.push(service);
    const dir = await mkdtemp(join(tmpdir(), 'aftershock-cli-'));
    const file = join(dir, 'long-fault.json');
    await writeFile(file, JSON.stringify({ ...scenario(service.url), phases: { baseline: '1s', fault: '20s', recovery: '1s' }, method: [{ ...chaosStep, for: '20s' }] }));
    const child = spawn(process.execPath, ['--import', 'tsx', 'bin/aftershock.ts', 'run', file, '--out', join(dir, 'out'), '--no-progress'], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    await waitFor(() => service.rules().length === 1, { timeoutMs: 20_000, message: 'the chaos rule to be installed' });
    child.kill('SIGINT');
    expect(await exited, output).toBe(130);
    expect(service.rules()).toEqual([]);
    expect(output).toContain('INTERRUPTED');
    const journal = JSON.parse(await readFile(join(dir, 'out', 'journal.json'), 'utf8')) as { status: string };
    expect(journal.status).toBe('interrupted');
  });
});

// The runner end to end against the real embedded Triggers API (in-process, dynalite, real sockets):
// a short receiver outage is survived, every output is written, and the journal says so; an interrupt
// that stops the embedded store too (Ctrl-C signals the whole process group) is said plainly.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../../scenarios/runner/run-scenario.js';
import { defineScenario } from '../../../scenarios/scenario/define-scenario.js';
import { waitFor } from '../../support/wait-for.js';

/** The embedded store processes this process started (dynalite runs as a child). */
function storePids(): number[] {
  const lines = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' }).split('\n');
  return lines.filter((l) => l.includes('dynalite-process')).map((l) => Number(l.trim().split(/\s+/)[0]));
}

describe('runner against the embedded Triggers API', () => {
  it('survives a receiver outage with nothing lost and writes journal, history and junit', async () => {
    const scenario = defineScenario({
      title: 'Embedded receiver outage',
      load: { rate: 10 },
      phases: { baseline: '1s', fault: '2s', recovery: '4s' },
      steady_state: [{ name: 'ingest ok', metric: 'success_rate', tolerance: '>= 0.9' }],
      method: [{ at: '1s', for: '2s', fault: { receiver: { status: 503 } } }],
      gates: [{ invariants: ['no_lost_events', 'deliveries_complete', 'no_concurrent_double_delivery', 'same_id_on_retry'] }],
    });
    const journal = await runScenario(scenario, { seed: 5, out: await mkdtemp(join(tmpdir(), 'aftershock-embedded-')) });
    expect(journal.gates.filter((g) => !g.passed), journal.errors.join('; ')).toEqual([]);
    expect(journal.status).toBe('completed');
    const history = (await readFile(journal.outputs.history, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { kind: string; status?: number });
    const receipts = history.filter((r) => r.kind === 'receipt');
    // The outage was seen (503s recorded) and then drained (2xx after).
    expect(receipts.some((r) => r.status === 503)).toBe(true);
    expect(receipts.some((r) => r.status === 200)).toBe(true);
    expect(history.filter((r) => r.kind === 'fault').length).toBe(2);
    expect(history.at(-1)?.kind).toBe('final');
    expect(await readFile(journal.outputs.junit, 'utf8')).toMatch(/<testcase [^>]*name="deliveries_complete"/);
  });

  it('stamps a fault that throttles every PutItem at its planned start and end, and its rule bit', async () => {
    const scenario = defineScenario({
      title: 'Embedded PutItem throttle',
      load: { rate: 20 },
      phases: { baseline: '1s', fault: '1s', recovery: '2s' },
      method: [{ at: '1s', for: '1s', fault: { chaos: { point: 'dynamodb', match: { operation: 'PutItem' }, injector: { kind: 'dynamodb_error', error: 'ThrottlingException' }, probability: 1 } } }],
      quiesce: '2s',
    });
    const journal = await runScenario(scenario, { seed: 6, out: await mkdtemp(join(tmpdir(), 'aftershock-embedded-')) });
    const [step] = journal.activities;
    expect(step?.status, journal.errors.join('; ')).toBe('healed');
    // Stamped when sent, not when the throttled target answered (that was 2.7 s late). The bound leaves
    // room for the runner's own timers on a loaded machine: with four suites and two more processes on
    // two cores the heal went out 503 ms after its planned second.
    expect(step!.started! - 1_000).toBeLessThan(1_000);
    expect(step!.healed! - 2_000).toBeLessThan(1_000);
    expect(journal.last_heal).toBe(step!.healed);
    const history = (await readFile(journal.outputs.history, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { kind: string; type?: string; detail?: { injections?: number } });
    expect(history.find((r) => r.kind === 'fault' && r.type === 'end')?.detail?.injections).toBeGreaterThan(0);
  });

  it('says plainly that the run left nothing behind when the interrupt stopped the embedded store too', async () => {
    const scenario = defineScenario({
      title: 'Embedded interrupted',
      load: { rate: 10 },
      phases: { baseline: '1s', fault: '8s', recovery: '1s' },
      // Sampled every second, so the service's cached readiness may still say ready at the teardown.
      steady_state: [{ name: 'ready', http: { get: '/health/ready' }, tolerance: 200 }],
      method: [{ at: '1s', for: '8s', fault: { receiver: { status: 503 } } }],
    });
    const abort = new AbortController();
    let applied = false;
    const before = new Set(storePids());
    const running = runScenario(scenario, { seed: 9, signal: abort.signal, out: await mkdtemp(join(tmpdir(), 'aftershock-embedded-')), onEvent: (e) => void (e.type === 'fault' && e.action === 'applied' && (applied = true)) });
    await waitFor(() => applied, { timeoutMs: 20_000, message: 'the fault to be applied' });
    const stores = storePids().filter((pid) => !before.has(pid));
    expect(stores).toHaveLength(1);
    // As Ctrl-C in a terminal does: the signal reaches the store as well as the runner.
    process.kill(stores[0]!, 'SIGINT');
    abort.abort();
    const journal = await running;
    expect(journal.status).toBe('interrupted');
    expect(journal.errors.join('; ')).not.toMatch(/stays active|left active/);
    expect(journal.errors).toContain(
      "the run's webhook and API key were not removed: the embedded target's store had already stopped on the interrupt (a signal to the whole process group reaches it too); they went with it",
    );
  });

  it('passes deliveries_complete when the receiver answers 410 and the service disables the webhook, as its spec says', async () => {
    const scenario = defineScenario({
      title: 'Embedded receiver gone',
      load: { rate: 10 },
      // A 2 s window: on a loaded 2-core machine, a 1 s one once passed with no delivery attempted inside it.
      phases: { baseline: '1s', fault: '2s', recovery: '2s' },
      method: [{ at: '1s', for: '2s', fault: { receiver: { status: 410 } } }],
      gates: [{ invariants: ['no_lost_events', 'deliveries_complete'] }],
      // Deliveries the disabled webhook is not owed never come: the wait runs to its bound.
      quiesce: '2s',
    });
    const journal = await runScenario(scenario, { seed: 8, out: await mkdtemp(join(tmpdir(), 'aftershock-embedded-')) });
    const complete = journal.checkers.find((c) => c.name === 'deliveries_complete');
    expect(journal.gates.filter((g) => !g.passed), journal.errors.join('; ')).toEqual([]);
    expect(complete?.counts).toMatchObject({ missing: 0, disabled_webhooks: 1 });
    expect(complete!.counts.dead_lettered).toBeGreaterThan(0);
    expect(complete!.counts.not_owed).toBeGreaterThan(0);
    // The wait for what never came says why it never came.
    expect(journal.errors.join('; ')).toMatch(/deliveries owed for acknowledged creates neither accepted by the receiver nor dead-lettered \(the service disabled webhook \S+: /);
  });
});

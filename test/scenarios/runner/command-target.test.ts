// The command target: the runner starts the user's command, waits on its ready URL, kills it -9 and
// starts it again mid-run, and stops it at the end.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../../scenarios/runner/run-scenario.js';
import { ScenarioError } from '../../../scenarios/scenario/scenario-error.js';
import { commandTargetSchema } from '../../../scenarios/scenario/target-schema.js';
import { startCommandTarget } from '../../../scenarios/target/command-target.js';
import { startProxyLinks } from '../../../scenarios/target/proxy-links.js';
import type { ScenarioInput } from '../../../scenarios/scenario/scenario-schema.js';
import { unusedPort } from '../../support/unused-port.js';
import { waitFor } from '../../support/wait-for.js';

/** A stateless service: every create answers 201 with a fresh id, every read 200 (nothing to lose across restarts). */
const SERVICE = `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => { s.writeHead(q.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' }); s.end(JSON.stringify({ id: String(Math.random()) })); }); }).listen(Number(process.env.PORT), '127.0.0.1')`;

describe('command target', () => {
  it('starts the command, kills it -9 and restarts it mid-run, and recovers', async () => {
    // The command must listen where its ready URL says, and again after kill -9.
    const port = await unusedPort();
    const scenario: ScenarioInput = {
      title: 'command target',
      target: { kind: 'command', run: `${JSON.stringify(process.execPath)} -e ${JSON.stringify(SERVICE)}`, ready_url: `http://127.0.0.1:${port}/`, env: { PORT: String(port) } },
      adapter: { http: { create_event: { method: 'POST', path: '/events', body: { seq: '{{seq}}' }, id: '$.id' }, read_event: { path: '/events/{{id}}' } } },
      load: { rate: 10 },
      phases: { baseline: '1s', fault: '1s', recovery: '3s' },
      steady_state: [{ name: 'ingest ok', metric: 'success_rate', tolerance: '>= 0.99' }],
      method: [{ name: 'kill -9', at: '1s', action: { kill: 'server', signal: 'SIGKILL', restart_after: '500ms' } }],
      gates: [{ recovery_time: '<= 2s', probes: ['ingest ok'], hold: '1s' }],
      quiesce: '1s',
    };
    const journal = await runScenario(scenario, { seed: 2, out: await mkdtemp(join(tmpdir(), 'aftershock-cmd-')) });
    expect(journal.activities[0]).toMatchObject({ status: 'healed', kind: 'kill:server' });
    // Requests met the dead process (no answer), then it came back.
    expect(journal.steady_states.during[0]?.holds).toBe(false);
    expect(journal.gates, journal.errors.join('; ')).toEqual([expect.objectContaining({ name: 'recovery_time: ingest ok', passed: true })]);
    expect(journal.status).toBe('completed');
    // No chaos control API without an admin token, and no rule to heal: the rollback does not ask for one.
    expect(journal.errors).toEqual([]);
  });

  it('quotes what a command that failed to start wrote: its error, not the trailer after it', async () => {
    const port = await unusedPort();
    const crash = `console.error('Error: listen EADDRINUSE: address already in use'); console.error(''); console.error('Node.js v20'); process.exit(1)`;
    const scenario: ScenarioInput = {
      title: 'command fails to start',
      target: { kind: 'command', run: `${JSON.stringify(process.execPath)} -e ${JSON.stringify(crash)}`, ready_url: `http://127.0.0.1:${port}/` },
      adapter: { http: { create_event: { method: 'POST', path: '/events', body: { seq: '{{seq}}' }, id: '$.id' }, read_event: { path: '/events/{{id}}' } } },
      load: { rate: 1 },
      phases: { baseline: '1s', fault: '1s', recovery: '1s' },
    };
    const err = await runScenario(scenario, { seed: 3, out: await mkdtemp(join(tmpdir(), 'aftershock-cmd-')) }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ScenarioError);
    expect((err as ScenarioError).message).toBe(`the target command exited (1) before http://127.0.0.1:${port}/ was ready; it wrote: "Error: listen EADDRINUSE: address already in use"`);
  });

  it('reads what a command writes, so a chatty one is never blocked on a full pipe', async () => {
    // ~5 MB of log before it listens, written as most programs write (blocking: coreutils here): far past
    // a pipe's buffer, so with nobody reading the command would never get to listen.
    const port = await unusedPort();
    const chatty = `yes 'a log line of the service' | head -n 200000; exec ${JSON.stringify(process.execPath)} -e ${JSON.stringify(SERVICE)}`;
    const scenario: ScenarioInput = {
      title: 'chatty command',
      target: { kind: 'command', run: chatty, ready_url: `http://127.0.0.1:${port}/`, ready_timeout: '10s', env: { PORT: String(port) } },
      adapter: { http: { create_event: { method: 'POST', path: '/events', body: { seq: '{{seq}}' }, id: '$.id' }, read_event: { path: '/events/{{id}}' } } },
      load: { rate: 5 },
      phases: { baseline: '1s', fault: '1s', recovery: '1s' },
      quiesce: '1s',
    };
    const journal = await runScenario(scenario, { seed: 4, out: await mkdtemp(join(tmpdir(), 'aftershock-cmd-')) });
    expect(journal.status).toBe('completed');
    expect(journal.load.ops.create_event?.ok).toBeGreaterThan(0);
  });

  it('notes a command that dies on its own mid-run, with its error, and records the exit', async () => {
    const port = await unusedPort();
    const dies = `${SERVICE}; setTimeout(() => { console.error('FATAL ERROR: heap out of memory'); process.exit(3); }, 1500)`;
    const scenario: ScenarioInput = {
      title: 'command dies',
      target: { kind: 'command', run: `${JSON.stringify(process.execPath)} -e ${JSON.stringify(dies)}`, ready_url: `http://127.0.0.1:${port}/`, env: { PORT: String(port) } },
      adapter: { http: { create_event: { method: 'POST', path: '/events', body: { seq: '{{seq}}' }, id: '$.id' }, read_event: { path: '/events/{{id}}' } } },
      load: { rate: 5 },
      phases: { baseline: '1s', fault: '1s', recovery: '1s' },
      quiesce: '1s',
    };
    const out = await mkdtemp(join(tmpdir(), 'aftershock-cmd-'));
    const journal = await runScenario(scenario, { seed: 5, out });
    expect(journal.errors).toContain('the target command exited (3) without the runner asking; it wrote: "FATAL ERROR: heap out of memory"');
    const history = (await readFile(journal.outputs.history, 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as { kind: string; action?: string });
    expect(history.filter((e) => e.kind === 'process')).toEqual([expect.objectContaining({ process: 'server', action: 'exit' })]);
  });

  it('reports a command that cannot be spawned at all, without ending the runner', async () => {
    const proxies = await startProxyLinks({ seed: 1, runId: 'spawn' });
    try {
      const spec = commandTargetSchema.parse({ kind: 'command', run: 'true', ready_url: 'http://127.0.0.1:9/', cwd: join(tmpdir(), 'aftershock-no-such-folder') });
      const err = await startCommandTarget(spec, { proxies, receiverAddress: '127.0.0.1:9', env: {} }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ScenarioError);
      expect((err as ScenarioError).message).toMatch(/^cannot start the target command: spawn \S+ ENOENT; check target\.run and target\.cwd$/);
    } finally {
      await proxies.close();
    }
  });
  it('stops a command restarted while a stop holds it, and continues it when the hold ends', async () => {
    const port = await unusedPort();
    const proxies = await startProxyLinks({ seed: 1, runId: 'held' });
    const spec = commandTargetSchema.parse({ kind: 'command', run: `${JSON.stringify(process.execPath)} -e ${JSON.stringify(SERVICE)}`, ready_url: `http://127.0.0.1:${port}/`, env: { PORT: String(port) } });
    const target = await startCommandTarget(spec, { proxies, receiverAddress: '127.0.0.1:9', env: {} });
    // A stopped process's socket accepts the connection and never answers.
    const answers = () => fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(500) }).then((r) => (void r.body?.cancel(), true), () => false);
    try {
      target.processes!.signal('server', 0, 'SIGSTOP');
      await target.processes!.restart('server', 0);
      expect(await answers()).toBe(false);
      target.processes!.signal('server', 0, 'SIGCONT');
      await waitFor(answers, { timeoutMs: 5_000, message: 'the restarted command to answer once continued' });
    } finally {
      await target.close();
      await proxies.close();
    }
  });
  it('stops waiting for a command that is not ready yet as soon as the run is interrupted', async () => {
    const port = await unusedPort();
    const interrupt = new AbortController();
    const scenario: ScenarioInput = {
      title: 'never ready',
      // Runs, but never listens: without the interrupt the run would wait out its 30 s ready_timeout.
      target: { kind: 'command', run: `${JSON.stringify(process.execPath)} -e "setTimeout(() => {}, 60000)"`, ready_url: `http://127.0.0.1:${port}/`, ready_timeout: '30s' },
      adapter: { http: { create_event: { method: 'POST', path: '/events', body: { seq: '{{seq}}' }, id: '$.id' }, read_event: { path: '/events/{{id}}' } } },
      load: { rate: 10 },
      phases: { baseline: '1s', fault: '1s', recovery: '1s' },
    };
    const running = runScenario(scenario, {
      seed: 1,
      out: await mkdtemp(join(tmpdir(), 'aftershock-cmd-')),
      signal: interrupt.signal,
      onEvent: (e) => void (e.type === 'setup' && setTimeout(() => interrupt.abort(), 300)),
    });
    const error = await running.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(ScenarioError);
    expect((error as Error).message).toBe(`stopped while waiting for http://127.0.0.1:${port}/ to be ready`);
  }, 20_000);
});


// The command target: the runner starts the user's command, waits on its ready URL, kills it -9 and
// starts it again mid-run, and stops it at the end.
import { randomInt } from 'node:crypto';
import { mkdtemp, readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runScenario } from '../../../scenarios/runner/run-scenario.js';
import type { ScenarioInput } from '../../../scenarios/scenario/scenario-schema.js';

/** Start of the kernel's ephemeral port range (Linux; 32768 elsewhere). */
async function ephemeralLow(): Promise<number> {
  const range = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').catch(() => '32768');
  return Number(range.trim().split(/\s+/)[0]) || 32768;
}

/**
 * A free loopback port for the command (it must listen where its ready URL says), chosen below the
 * ephemeral range: a port another suite's listen(0) or outgoing connection can take would be open to
 * it between this check, the command's listen and its listen again after kill -9 (it was, once).
 */
async function freePort(): Promise<number> {
  const low = await ephemeralLow();
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = randomInt(20_000, Math.max(20_001, low));
    const server = createServer();
    const free = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (free) {
      await new Promise((resolve) => server.close(resolve));
      return port;
    }
  }
  throw new Error('no free loopback port between 20000 and the ephemeral range');
}

/** A stateless service: every create answers 201 with a fresh id, every read 200 (nothing to lose across restarts). */
const SERVICE = `require('node:http').createServer((q, s) => { q.resume(); q.on('end', () => { s.writeHead(q.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' }); s.end(JSON.stringify({ id: String(Math.random()) })); }); }).listen(Number(process.env.PORT), '127.0.0.1')`;

describe('command target', () => {
  it('starts the command, kills it -9 and restarts it mid-run, and recovers', async () => {
    const port = await freePort();
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
  });
});

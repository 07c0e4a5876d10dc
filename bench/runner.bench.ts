// The runner's own cost: CPU of the process running a scenario at 200 req/s (load, per-second
// measurement, history, receiver, read-back) against the CPU of bare open-model load sending the same
// requests with nothing recorded, both in this run. The service is a trivial server in a child process,
// so its CPU is not counted on either side.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runOpenModel } from '../load/src/open-model.js';
import { timedRequest } from '../scenarios/adapters/timed-request.js';
import { runScenario } from '../scenarios/runner/run-scenario.js';
import { table, type Goal } from './record.js';

const RATE = 200;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/** Rounds of (bare, runner): the machine is shared, so the result is a range and the goal is judged on its worst. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** A trivial event service: 201 with an id on POST, 200 on GET, delivering nothing. */
const SERVICE = `
const http = require('node:http'); let n = 0;
const server = http.createServer((req, res) => { req.resume(); req.on('end', () => {
  if (req.method === 'POST') { res.writeHead(201, { 'content-type': 'application/json' }); res.end(JSON.stringify({ id: 'e' + (++n) })); }
  else { res.writeHead(200, { 'content-type': 'application/json' }); res.end('{}'); } }); });
server.listen(0, '127.0.0.1', () => console.log(server.address().port));`;

function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

interface Round {
  bare: { requests: number; cpuMs: number };
  runner: { requests: number; cpuMs: number; status: string };
  /** The runner's own CPU as a share of one core over the load's duration. */
  overhead: number;
}

/** One round: bare open-model load, then the same load through runScenario, each timed by this process's CPU. */
async function round(url: string): Promise<Round> {
  const bareStart = process.cpuUsage();
  const bare = await runOpenModel({
    rate: RATE,
    durationMs: SECONDS * 1000,
    // The same HTTP call the runner's adapter makes (timedRequest, same deadline), so the difference
    // between the two rows is the runner's own work and not a difference of HTTP clients.
    send: async () => {
      const res = await timedRequest(`${url}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type":"x"}' }, 5_000);
      return { ok: res.status >= 200 && res.status < 300, status: res.status };
    },
  });
  const bareCpu = cpuMs(bareStart);
  const runStart = process.cpuUsage();
  const journal = await runScenario(
    {
      title: 'runner overhead',
      target: { kind: 'url', base_url: url },
      adapter: { http: { create_event: { method: 'POST', path: '/events', body: { type: '{{event_type}}' }, id: '$.id' }, read_event: { path: '/events/{{id}}' } } },
      load: { rate: RATE },
      // The trivial service delivers nothing, so there is no delivery to wait for after the load.
      webhooks: 0,
      phases: { baseline: `${SECONDS / 2}s`, fault: '1s', recovery: `${SECONDS / 2 - 1}s` },
      steady_state: [{ name: 'ok', metric: 'success_rate', tolerance: '>= 0.99' }],
      gates: [{ invariants: ['no_lost_events'] }],
    },
    { seed: 1, out: await mkdtemp(join(tmpdir(), 'aftershock-bench-')) },
  );
  const runCpu = cpuMs(runStart);
  return {
    bare: { requests: bare.intended, cpuMs: bareCpu },
    runner: { requests: journal.load.intended, cpuMs: runCpu, status: journal.status },
    overhead: (runCpu - bareCpu) / (SECONDS * 1000),
  };
}

export default async function runnerBench() {
  const child = spawn(process.execPath, ['-e', SERVICE], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
    const url = `http://127.0.0.1:${chunk.toString().trim()}`;
    const rounds: Round[] = [];
    for (let i = 0; i < ROUNDS; i++) rounds.push(await round(url));
    const row = (name: string, r: { requests: number; cpuMs: number }) => [name, String(r.requests), r.cpuMs.toFixed(0), ((r.cpuMs * 1000) / r.requests).toFixed(0), (r.cpuMs / (SECONDS * 1000)).toFixed(3)];
    const body = table(
      ['round', '', 'requests', 'CPU (ms)', 'CPU per request (µs)', 'share of one core', "runner's own share"],
      rounds.flatMap((r, i) => [
        [String(i + 1), ...row('bare open-model load', r.bare), ''],
        [String(i + 1), ...row(`runScenario (url target), ${r.runner.status}`, r.runner), `${(r.overhead * 100).toFixed(1)} %`],
      ]),
    );
    const shares = rounds.map((r) => r.overhead * 100);
    const worst = Math.max(...shares);
    const goals: Goal[] = [{ name: `runner's own CPU, share of one core (worst of ${ROUNDS} rounds)`, value: worst, op: '<=', target: 10, unit: '%' }];
    return {
      title: `Runner overhead at ${RATE} req/s`,
      goals,
      body: `${body}\n\nThe runner's own overhead (measurement, history, receiver, read-back, judging): ${Math.min(...shares).toFixed(1)}–${worst.toFixed(1)} % of one core over ${ROUNDS} rounds (goal ≤ 10 %).`,
    };
  } finally {
    child.kill();
  }
}

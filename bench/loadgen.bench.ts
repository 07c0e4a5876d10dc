// The open-model load generator's own ceiling: it must hold 5,000 requests/s against a trivial
// loopback server with the achieved rate within 1 % of the intended one and its scheduling error small,
// measured beside autocannon's closed-model maximum against the same server in the same run. The server
// is a child process, so this process's CPU is the generator's alone.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { runOpenModel } from '../load/src/open-model.js';
import { undiciSender } from '../load/src/undici-sender.js';
import type { Goal } from './record.js';
import { table } from './record.js';

const RATE = Number(process.env.BENCH_LOADGEN_RATE ?? 5_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
/** Autocannon's connections: enough in flight to find the server's closed-model maximum. */
const CANNON_CONNECTIONS = 32;

/** The trivial service: 200 and two bytes for any request. */
const SERVICE = `
const http = require('node:http');
const server = http.createServer((req, res) => { req.resume(); req.on('end', () => res.end('ok')); });
server.keepAliveTimeout = 60000;
server.listen(0, '127.0.0.1', () => console.log(server.address().port));`;

export default async function loadgenBench() {
  const child = spawn(process.execPath, ['-e', SERVICE], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
    const url = `http://127.0.0.1:${chunk.toString().trim()}`;
    const sender = undiciSender({ origin: url, path: '/', method: 'GET' });
    try {
      // Warm-up: connections open and the JIT settles before anything is measured.
      await runOpenModel({ rate: RATE, durationMs: 1_000, send: sender.send });
      const loadBefore = loadavg()[0]!;
      const t0 = performance.now();
      const open = await runOpenModel({ rate: RATE, durationMs: SECONDS * 1000, send: sender.send });
      const wallSeconds = (performance.now() - t0) / 1000;
      const loadAfter = loadavg()[0]!;
      // Responses per second over the whole run, the drain of the last requests included.
      const achieved = open.completed / wallSeconds;
      const cannon = await autocannon({ url, connections: CANNON_CONNECTIONS, duration: SECONDS });
      const rateError = (Math.abs(achieved - RATE) / RATE) * 100;
      const goals: Goal[] = [
        // "Sustains 5,000/s": an achieved rate within 1 % below the intended one holds it.
        { name: 'achieved rate', value: achieved, op: '>=', target: RATE * 0.99, unit: 'req/s' },
        { name: 'achieved rate off the intended rate', value: rateError, op: '<=', target: 1, unit: '%' },
        { name: 'scheduling error p99', value: open.schedulingErrorMs.p99, op: '<=', target: 2, unit: 'ms' },
        { name: 'failed or dropped requests', value: open.failed + open.dropped, op: '<=', target: 0 },
      ];
      const cannonRate = cannon.requests.total / cannon.duration;
      const body = table(
        ['generator', 'model', 'requests', 'rate (req/s)', 'latency p50 / p99 (ms)', 'scheduling error p50 / p99 / max (ms)', 'errors'],
        [
          [
            'runOpenModel + undici pool',
            `open, ${RATE}/s intended`,
            String(open.completed),
            achieved.toFixed(0),
            `${open.latencyMs.p50.toFixed(2)} / ${open.latencyMs.p99.toFixed(2)}`,
            `${open.schedulingErrorMs.p50.toFixed(3)} / ${open.schedulingErrorMs.p99.toFixed(3)} / ${open.schedulingErrorMs.max.toFixed(1)}`,
            `${open.failed} failed, ${open.dropped} dropped`,
          ],
          [
            `autocannon, ${CANNON_CONNECTIONS} connections`,
            'closed (maximum)',
            String(cannon.requests.total),
            cannonRate.toFixed(0),
            `${cannon.latency.p50} / ${cannon.latency.p99}`,
            'n/a (closed model)',
            `${cannon.errors + cannon.timeouts} errors, ${cannon.non2xx} non-2xx`,
          ],
        ],
      );
      return {
        title: `Load generator: ${RATE} req/s open model beside autocannon's closed-model maximum`,
        body: `${body}\n\nThe open-model rate held is ${((achieved / cannonRate) * 100).toFixed(0)} % of the server's closed-model maximum. The machine's 1-minute load average was ${loadBefore.toFixed(1)} before the open-model run and ${loadAfter.toFixed(1)} after it (2 cores, shared): the scheduling error's tail is where other processes show.`,
        goals,
        method: `The server is a child process answering \`ok\` to every request on loopback; it is the same for both rows.
\`runOpenModel\` starts request *i* at its intended time *t0 + i/rate* whether or not earlier ones finished,
sending through an undici pool (\`load/src/undici-sender.ts\`); the achieved rate counts responses over the
whole wall time, the drain included, and the scheduling error is how late each request actually started
against its intended start. Autocannon then drives the same server closed-model (each connection sends the
next request when the last answered) for the same time: that is the server's ceiling, not a rate it was asked
to hold. One second of open-model warm-up runs first and is not counted.`,
      };
    } finally {
      await sender.close();
    }
  } finally {
    child.kill();
  }
}

// Runs the Triggers API (as `npm start`, against the embedded dynalite) under the open model at a fixed
// rate and prints latency and CPU per event: the ingest benchmark's open-model phase alone, for
// profiling it. Usage: SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" npx tsx bench/open-model-run.ts
// [--rate 1300] [--seconds 15]; then `npx tsx bench/profile-summary.ts --skip <s> DIR/*.cpuprofile`
// with the start offset this prints.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { runClosedLoop } from '../load/src/closed-loop.js';
import { runOpenModel } from '../load/src/open-model.js';
import { startEmbeddedDynamo } from '../reference-server/src/store/embedded-dynalite.js';
import { spawnServer } from '../test/support/spawn-server.js';
import { cpuSeconds } from './process-cpu.js';
import { UNLIMITED_TIERS } from './unlimited-tiers.js';

const usage = `usage: npx tsx bench/open-model-run.ts [--rate <events/s>] [--seconds <s>]

Starts dynalite and the Triggers API, warms the server with 3 s of closed-loop POSTs, then sends
POST /v1/events at a fixed rate (open model) and prints p50/p99, CPU per event, the load
generator's own CPU, and in how many 100-ms windows of arrivals requests took over 25 ms (a tail
made of a few stalls, or spread thin). Server flags such as WORKER_ENABLED=false or
ANALYTICS_ENABLED=false pass through the environment; SERVER_NODE_ARGS adds node flags to the server
(e.g. --cpu-prof --cpu-prof-dir=DIR).

options:
  --rate <n>     events per second, default 1300
  --seconds <n>  length of the open-model phase, default 15
  -h, --help     show this help`;

let values;
try {
  ({ values } = parseArgs({ options: { rate: { type: 'string', default: '1300' }, seconds: { type: 'string', default: '15' }, help: { type: 'boolean', short: 'h', default: false } } }));
} catch (err) {
  console.error(`open-model-run: ${(err as Error).message} (see --help)`);
  process.exit(2);
}
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const rate = Number(values.rate);
const seconds = Number(values.seconds);
if (!(rate > 0) || !(seconds > 0)) {
  console.error('open-model-run: --rate and --seconds take positive numbers (see --help)');
  process.exit(2);
}
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
/** A request slower than this counts toward its window's stall (the goal's p99 is 20 ms). */
const SLOW_MS = 25;

const db = await startEmbeddedDynamo();
const dataDir = mkdtempSync(join(tmpdir(), 'aftershock-open-model-'));
const spawned = performance.now();
const server = await spawnServer({ DYNAMODB_ENDPOINT: db.endpoint, DATA_DIR: dataDir, LOG_LEVEL: 'warn', RATE_LIMIT_TIERS: UNLIMITED_TIERS });
const pool = new Pool(server.url, { connections: 32, pipelining: 1 });
try {
  const body = JSON.stringify({ source: 'bench', event_type: 'order.created', payload: { order: 1234, amount: 99.5, items: ['a', 'b', 'c'] } });
  const post = async () => {
    const res = await pool.request({ path: '/v1/events', method: 'POST', headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' }, body });
    await res.body.dump();
    return res.statusCode;
  };
  await runClosedLoop({ concurrency: 32, durationMs: 3000, op: async () => (await post()) === 201 });
  console.log(`open model starts ${((performance.now() - spawned) / 1000).toFixed(1)} s after the server was spawned (profile-summary --skip)`);
  const s0 = cpuSeconds(server.child.pid);
  const d0 = cpuSeconds(db.pid);
  const generator0 = process.cpuUsage();
  // Per 100-ms window of intended arrivals: requests, and those slower than SLOW_MS.
  const windows: { sent: number; slow: number }[] = [];
  let origin: number | undefined;
  const r = await runOpenModel({
    rate,
    durationMs: seconds * 1000,
    onOutcome: (o) => {
      origin ??= o.intendedAt;
      const w = (windows[Math.floor((o.intendedAt - origin) / 100)] ??= { sent: 0, slow: 0 });
      w.sent++;
      if (o.latencyMs > SLOW_MS) w.slow++;
    },
    send: async () => {
      const status = await post().catch(() => 0);
      return { ok: status === 201, status };
    },
  });
  const generator = process.cpuUsage(generator0);
  const filled = windows.filter(Boolean);
  const slowWindows = filled.filter((w) => w.slow > 0);
  const worst = [...slowWindows].sort((a, b) => b.slow - a.slow).slice(0, 5);
  const per = (s: number) => ((s * 1000) / Math.max(1, r.completed)).toFixed(3);
  const serverSeconds = cpuSeconds(server.child.pid) - s0;
  console.log(
    `${rate}/s for ${seconds} s: p50 ${r.latencyMs.p50.toFixed(1)}, p99 ${r.latencyMs.p99.toFixed(1)} ms; CPU per event: server ${per(serverSeconds)} ms (${(serverSeconds / seconds).toFixed(2)} cores), dynalite ${per(cpuSeconds(db.pid) - d0)} ms; failed ${r.failed}, dropped ${r.dropped}`,
  );
  console.log(
    `load generator ${((generator.user + generator.system) / 1e6 / seconds).toFixed(2)} cores; requests over ${SLOW_MS} ms: ${slowWindows.reduce((n, w) => n + w.slow, 0)}, in ${slowWindows.length} of ${filled.length} 100-ms windows (worst: ${worst.map((w) => `${w.slow}/${w.sent}`).join(', ') || 'none'})`,
  );
} finally {
  await pool.close();
  server.child.kill('SIGTERM');
  await server.exited;
  await db.stop();
  rmSync(dataDir, { recursive: true, force: true });
}

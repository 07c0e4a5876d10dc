// Runs the Triggers API (as `npm start`, against the embedded dynalite) under the open model at a fixed
// rate and prints latency and CPU per event: the ingest benchmark's open-model phase alone, for
// profiling it. Usage: SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=DIR" (or STORE_NODE_ARGS, for dynalite) npx tsx bench/open-model-run.ts
// [--rate 1300] [--seconds 15]; then `npx tsx bench/profile-summary.ts --skip <s> DIR/*.cpuprofile`
// with the start offset this prints. With --stalls, each slow request is put down to the pause it sat
// through (bench/stall-probe.mjs in every process, bench/stall-attribution.ts). With --calls, it
// prints the store calls per second by operation and table (bench/store-calls-probe.mjs).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { runClosedLoop } from '../load/src/closed-loop.js';
import { runOpenModel } from '../load/src/open-model.js';
import { startEmbeddedDynamo } from '../reference-server/src/store/embedded-dynalite.js';
import { spawnServer } from '../test/support/spawn-server.js';
import { cpuSeconds } from './process-cpu.js';
import { attribute, readPauses } from './stall-attribution.js';
import { UNLIMITED_TIERS } from './unlimited-tiers.js';

const usage = `usage: npx tsx bench/open-model-run.ts [--rate <events/s>] [--seconds <s>]

Starts dynalite and the Triggers API, warms the server with 3 s of closed-loop POSTs, then sends
POST /v1/events at a fixed rate (open model) and prints p50/p99, CPU per event, the load
generator's own CPU, and in how many 100-ms windows of arrivals requests took over 25 ms (a tail
made of a few stalls, or spread thin). Server flags such as WORKER_ENABLED=false or
ANALYTICS_ENABLED=false pass through the environment; SERVER_NODE_ARGS adds node flags to the server
(e.g. --cpu-prof --cpu-prof-dir=DIR), STORE_NODE_ARGS to dynalite.

options:
  --rate <n>     events per second, default 1300
  --seconds <n>  length of the open-model phase, default 15
  --stalls       record each process's late timer ticks and GC pauses, and put each request over
                 25 ms down to the longest one it sat through (a GC, a process busy, processes
                 waiting for a core, all three waiting at once, or nothing recorded); the probe's
                 2-ms timer costs each process a little CPU, so compare runs with the flag only
                 to runs with it
  --calls        count the store's calls during the open model, by operation and table
                 (BatchWriteItem by the tables it puts to and deletes from), per second
  -h, --help     show this help`;

let values;
try {
  ({ values } = parseArgs({ options: { rate: { type: 'string', default: '1300' }, seconds: { type: 'string', default: '15' }, stalls: { type: 'boolean', default: false }, calls: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } } }));
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

// The probe rides in NODE_OPTIONS into the store and the server (and their launchers, where it stays
// idle), and is loaded here directly.
const probeDir = values.stalls ? mkdtempSync(join(tmpdir(), 'aftershock-stalls-')) : undefined;
if (probeDir) {
  const probe = new URL('./stall-probe.mjs', import.meta.url).href;
  process.env.STALL_PROBE_DIR = probeDir;
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} --import ${probe}`.trim();
  await import(probe);
}
const requests: { at: number; ms: number }[] = [];
// With --calls, the store writes its running call counts here (bench/store-calls-probe.mjs).
const callsDir = values.calls ? mkdtempSync(join(tmpdir(), 'aftershock-calls-')) : undefined;
const callsFile = callsDir && join(callsDir, 'calls.json');
const storeArgs = process.env.STORE_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
if (callsFile) {
  process.env.STORE_CALLS_FILE = callsFile;
  storeArgs.push('--import', new URL('./store-calls-probe.mjs', import.meta.url).href);
}
type CallCounts = { at: number; counts: Record<string, number> };
const readCalls = (): CallCounts | undefined => (callsFile && existsSync(callsFile) ? (JSON.parse(readFileSync(callsFile, 'utf8')) as CallCounts) : undefined);

const storeSpawned = performance.now();
const db = await startEmbeddedDynamo({ nodeArgs: storeArgs });
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
  console.log(`open model starts ${((performance.now() - spawned) / 1000).toFixed(1)} s after the server was spawned, ${((performance.now() - storeSpawned) / 1000).toFixed(1)} s after the store (profile-summary --skip)`);
  const phaseFrom = performance.timeOrigin + performance.now();
  const s0 = cpuSeconds(server.child.pid);
  const d0 = cpuSeconds(db.pid);
  const generator0 = process.cpuUsage();
  const calls0 = readCalls();
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
      if (probeDir) requests.push({ at: o.intendedAt, ms: o.latencyMs });
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
  const calls1 = readCalls();
  if (calls0 && calls1 && calls1.at > calls0.at) {
    const perSecond = Object.entries(calls1.counts)
      .map(([call, n]) => [call, ((n - (calls0.counts[call] ?? 0)) * 1000) / (calls1.at - calls0.at)] as const)
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1]);
    console.log(`store calls per second over ${((calls1.at - calls0.at) / 1000).toFixed(1)} s of the open model:`);
    for (const [call, n] of perSecond) console.log(`  ${n.toFixed(1).padStart(7)}  ${call}`);
  }
  if (probeDir) {
    const { slow, all, gc } = attribute(readPauses(probeDir), requests, SLOW_MS, { from: phaseFrom, to: performance.timeOrigin + performance.now() });
    const shares = (by: Record<string, number>) => {
      const total = Math.max(1, Object.values(by).reduce((a, b) => a + b, 0));
      return Object.entries(by).map(([cause, n]) => `${cause} ${n} (${((100 * n) / total).toFixed(0)} %)`).join(', ');
    };
    console.log(`requests over ${SLOW_MS} ms, by the longest pause of 4 ms or more they sat through: ${shares(slow)}`);
    console.log(`every request, the same way (what chance alone gives): ${shares(all)}`);
    const gcLine = (g: (typeof gc)['server']) => `${g.ms.toFixed(0)} ms (${g.major} major, longest ${g.longest.toFixed(1)} ms)`;
    console.log(`GC pauses of 1 ms or more during the open model: server ${gcLine(gc.server)}, store ${gcLine(gc.store)}`);
  }
} finally {
  await pool.close();
  server.child.kill('SIGTERM');
  await server.exited;
  await db.stop();
  rmSync(dataDir, { recursive: true, force: true });
  if (probeDir) rmSync(probeDir, { recursive: true, force: true });
  if (callsDir) rmSync(callsDir, { recursive: true, force: true });
}

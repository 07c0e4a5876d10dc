// Webhook delivery benchmark, in one run: the receiver-only ceiling (undici POSTs straight to a loopback
// receiver), sustained deliveries/s from one worker process with the CPU each process spent per delivery,
// and event→receipt latency at 200 events/s.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as hdr from 'hdr-histogram-js';
import { Pool } from 'undici';
import { runClosedLoop } from '../load/src/closed-loop.js';
import { runOpenModel } from '../load/src/open-model.js';
import { startEmbeddedDynamo } from '../reference-server/src/store/embedded-dynalite.js';
import { startReceiver, type Receiver } from '../test/support/receiver.js';
import { spawnServer } from '../test/support/spawn-server.js';
import { spawnWorker } from '../test/support/spawn-worker.js';
import { waitFor } from '../test/support/wait-for.js';
import { table } from './record.js';

const SECRETS_KEY = 'bench-secrets-key-0123456789abcdef0123456789';
const DELIVERIES = Number(process.env.BENCH_DELIVERIES ?? 3000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
// The analytics processor reads the same outbox in the same worker process; it has a benchmark of its
// own, and here it would only blur what webhook delivery costs.
const DELIVERY_ONLY = { ANALYTICS_ENABLED: 'false' };

/** CPU seconds a process has used so far (Linux /proc), or NaN where that is not available. */
function cpuSeconds(pid: number | undefined): number {
  const file = `/proc/${pid}/stat`;
  if (pid === undefined || !existsSync(file)) return NaN;
  const fields = readFileSync(file, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** The embedded dynalite child of this process (its pid is not exposed by startEmbeddedDynamo). */
function dynalitePid(): number | undefined {
  try {
    const rows = execFileSync('ps', ['-o', 'pid=,ppid=,args=', '-e']).toString().split('\n');
    const row = rows.map((r) => r.trim().split(/\s+/)).find((f) => f[1] === String(process.pid) && f.join(' ').includes('dynalite-process'));
    return row ? Number(row[0]) : undefined;
  } catch {
    return undefined;
  }
}

export default async function webhooks() {
  const db = await startEmbeddedDynamo();
  const receiver = await startReceiver();
  const dirs: string[] = [];
  const tmp = () => {
    const d = mkdtempSync(join(tmpdir(), 'aftershock-bench-'));
    dirs.push(d);
    return d;
  };
  try {
    // 1. Receiver-only ceiling, same concurrency as the worker.
    const direct = new Pool(new URL(receiver.url).origin, { connections: 16 });
    const body = JSON.stringify({ type: 'bench', data: { payload: { n: 1 } } });
    const ceiling = await runClosedLoop({
      concurrency: 16,
      durationMs: SECONDS * 1000,
      op: async () => {
        const res = await direct.request({ path: '/hook', method: 'POST', body, headers: { 'content-type': 'application/json' } });
        await res.body.dump();
        return res.statusCode === 200;
      },
    });
    await direct.close();
    receiver.received.length = 0;
    console.log(`  receiver-only ceiling: ${ceiling.opsPerSecond.toFixed(0)} req/s`);

    // 2. Sustained deliveries/s: events stored with no worker running, then one worker drains them.
    const env = { DYNAMODB_ENDPOINT: db.endpoint, SECRETS_KEY, TABLE_PREFIX: 'bw-', ...DELIVERY_ONLY };
    const server = await spawnServer({ ...env, DATA_DIR: tmp(), WORKER_ENABLED: 'false', RATE_LIMIT_ENABLED: 'false' });
    const auth = { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' };
    await fetch(`${server.url}/v1/webhooks`, { method: 'POST', headers: auth, body: JSON.stringify({ url: receiver.url, events: ['*'] }) });
    const pool = new Pool(server.url, { connections: 16 });
    let n = 0;
    const lane = async () => {
      while (n < DELIVERIES) {
        const i = n++;
        const res = await pool.request({ path: '/v1/events', method: 'POST', headers: auth, body: JSON.stringify({ source: 'bench', event_type: 'order.created', payload: { i } }) });
        await res.body.dump();
        if (res.statusCode !== 201) throw new Error(`event creation failed with ${res.statusCode}`);
      }
    };
    await Promise.all(Array.from({ length: 16 }, lane));
    console.log(`  ${DELIVERIES} events queued; starting one worker`);
    const started = performance.now();
    const worker = await spawnWorker({ ...env, WORKER_POLL_MS: '20', WORKER_CONCURRENCY: '16' });
    // CPU per delivery from the first receipt on (process start is not delivery work): robust to a
    // shared machine in a way that deliveries/s is not.
    const dynalite = dynalitePid();
    await waitFor(() => receiver.received.length >= 1, { timeoutMs: 60_000, intervalMs: 5, message: 'first delivery received' });
    const cpuStart = { worker: cpuSeconds(worker.child.pid), dynalite: cpuSeconds(dynalite), bench: process.cpuUsage() };
    await waitFor(() => receiver.received.length >= DELIVERIES, { timeoutMs: 600_000, intervalMs: 10, message: 'all deliveries received' });
    const perDelivery = (seconds: number) => ((seconds * 1000) / (DELIVERIES - 1)).toFixed(2);
    const benchCpu = process.cpuUsage(cpuStart.bench);
    const cpu = {
      worker: perDelivery(cpuSeconds(worker.child.pid) - cpuStart.worker),
      dynalite: perDelivery(cpuSeconds(dynalite) - cpuStart.dynalite),
      receiver: perDelivery((benchCpu.user + benchCpu.system) / 1e6),
    };
    // From the first receipt to the last: the worker's process start (tsx, SDK load) is not delivery work.
    const drainSeconds = (receiver.received.at(-1)!.at - receiver.received[0]!.at) / 1000;
    const withStartSeconds = (performance.now() - started) / 1000;
    const duplicates = receiver.received.length - new Set(receiver.received.map((r) => r.headers['webhook-id'])).size;
    worker.child.kill('SIGTERM');
    await worker.exited;
    server.child.kill('SIGTERM');
    await server.exited;
    await pool.close();

    // 3. Event → receipt latency at 200 events/s: with the server's in-process worker (as `npm start`),
    // and with the worker in a process of its own (WORKER_ENABLED=false + `npm run worker`).
    const inProcess = await liveLatency(receiver, { ...env, TABLE_PREFIX: 'bl-', DATA_DIR: tmp() }, false, dynalite);
    const separate = await liveLatency(receiver, { ...env, TABLE_PREFIX: 'bs-', DATA_DIR: tmp() }, true, dynalite);

    const rate = DELIVERIES / drainSeconds;
    console.log(`  drained at ${rate.toFixed(0)} deliveries/s; live p99 ${inProcess.p99} ms in-process, ${separate.p99} ms separate`);
    return {
      title: 'Webhook delivery',
      body: [
        table(
          ['measure', 'result'],
          [
            ['receiver-only ceiling: undici POST → loopback receiver, 16 in flight (baseline)', `${ceiling.opsPerSecond.toFixed(0)} req/s`],
            [`one worker process draining ${DELIVERIES} queued events (fan-out + signed delivery), concurrency 16`, `${rate.toFixed(0)} deliveries/s (${drainSeconds.toFixed(1)} s first to last receipt; ${withStartSeconds.toFixed(1)} s with process start; ${duplicates} duplicates)`],
            ['**ratio worker / receiver-only ceiling**', `**${(rate / ceiling.opsPerSecond).toFixed(2)}** (goal: ≥ 1,000 deliveries/s absolute)`],
            ['CPU per delivery while draining: worker / dynalite / bench process (receiver)', `${cpu.worker} / ${cpu.dynalite} / ${cpu.receiver} ms`],
            [`event → receipt latency at 200 events/s for ${SECONDS} s, in-process worker`, `${inProcess.text} (goal p99 ≤ 50 ms)`],
            [`the same with the worker in its own process`, `${separate.text} (goal p99 ≤ 50 ms)`],
            ['POST /v1/events alone during those runs (201 returned), in-process / separate worker', `${inProcess.post} / ${separate.post}`],
            ['CPU in use during those runs, in cores of 2: in-process / separate worker', `${inProcess.cpu} / ${separate.cpu}`],
          ],
        ),
        '',
        'The server, the worker and dynalite are separate processes; the receiver and load generator run in the bench',
        'process. Latency is wall-clock from just before the event POST to the receiver reading the delivery. The',
        'analytics processor is off in these processes (ANALYTICS_ENABLED=false); it is measured in its own section.',
        '',
        ANALYSIS,
      ].join('\n'),
    };
  } finally {
    await receiver.close();
    await db.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

/** Where the time goes; kept next to the numbers it explains. */
const ANALYSIS = `How delivery got here: fan-out checks which deliveries exist with one BatchGetItem per 100, then attempts the
new ones it has room for at once and writes each a single time, already delivered (or retry-at / dead), batched 25
to a call; the fan-out lease fences those first attempts (docs/WEBHOOKS.md, "How delivery is fenced"), and a batch
waiting on a slow receiver does not hold up the next. Retries are leased and settled as before. webhook-index
projects only what the listing reads (no body), and the SDK no longer builds log copies of every call. Against the
previous design (create, then settle: two writes per delivery, ALL projection), on the same shared machine on the
same day: CPU per delivery 1.43 → 1.09–1.24 ms in the worker and 1.00 → 0.73–0.83 ms in dynalite; 414 → 815–926
deliveries/s; event → receipt p50 / p99 at 200 events/s now 39–138 / 175–703 ms in-process and 63–150 / 148–449 ms
with a separate worker (before: 65–185 / 193–585 and 95–117 / 291–487 ms in earlier runs). A quiet pass (10 events/s) takes ~35 ms from POST to receipt, 12 ms of it the POST itself: fan-out's 5 ms
gather, then outbox read, webhook lookup and BatchGetItem (one round trip each), then the attempt.

Why the goals are still open. Throughput: worker + dynalite + receiver need ~2–2.5 ms of CPU per delivery (the
worker's profile, \`WORKER_NODE_ARGS=--cpu-prof\`, is mostly the HTTP attempt and the SDK's serialisation) and the
machine has two cores, so one worker tops out near 900 deliveries/s here. Latency (traced per event at 200
events/s, 2026-11-22, throwaway instrumentation since removed): the tail is queueing for CPU, not a wait built into
the pipeline. The two CPU rows show it: in-process, the server process uses ~1.15 cores, its one event loop (ingest
+ fan-out + delivery) saturated and GC and helper threads making up the rest; with a separate worker the four
processes use ~1.9 of the 2 cores. The POST alone owns most of the tail: in traced runs it took p50 45–109 / p99
374–824 ms while delivery ran, against p50 5–12 / p99 20–37 ms with no webhook and no worker at the same rate (so
the 50 ms goal is bounded by ingest under contention). After the POST returned, per stage, p50 / p99 in ms: fan-out
starts its read 10–13 / 87–498 (the 5 ms gather plus the previous pass), outbox query 17–24 / 66–92, webhook lookup
+ BatchGetItem 29–46 / 98–154, wait for a delivery slot 3–10 / 78–155, attempt to receipt 6–12 / 37–73. Every stage
stretches together, as queues for a core do. The first 1–2 s are the worst (every process starts cold, and a
backlog formed then drains slowly with so little headroom): leaving out the first 1.5 s, in-process p99 was 249–373
ms and the POST's p99 116–166 ms. At 100 events/s the p99 falls to ~225 ms (POST p99 ~95 ms), yet the in-process
server still uses ~0.95 core, most likely because small passes cost nearly as much as full ones (about five SDK
calls each, whatever their size; not measured separately). Tried without a lasting gain: a 15 ms gather (fewer,
larger passes; within run-to-run noise). Costs noticed on the way: a separate worker polling every 20 ms spends
~0.35 core (worker + dynalite) when idle, and 55–60 % of the outbox rows fan-out reads are rows of passes still in
progress, read again only to be skipped. Next steps: cut server CPU per event (the SDK's per-call cost, the
in-progress re-reads, BatchGetItem for rows this lease holder has never handed out); on this machine nothing that
only shortens waits can bring p99 under 50 ms. Numbers on this shared machine vary by ±30 % with what else is
running; the CPU rows vary much less.`;

/**
 * Sends 200 events/s for SECONDS to a fresh server and reports event → receipt latency percentiles,
 * the POST's own latency (its share of the total) and the CPU each process used meanwhile (whether
 * the tail is waiting or queueing for a core).
 */
async function liveLatency(receiver: Receiver, env: Record<string, string>, separateWorker: boolean, dynalite: number | undefined) {
  receiver.received.length = 0;
  const server = await spawnServer({ ...env, ...DELIVERY_ONLY, RATE_LIMIT_ENABLED: 'false', WORKER_ENABLED: separateWorker ? 'false' : 'true' });
  const worker = separateWorker ? await spawnWorker({ ...env, ...DELIVERY_ONLY, WORKER_POLL_MS: '20' }) : undefined;
  const auth = { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' };
  await fetch(`${server.url}/v1/webhooks`, { method: 'POST', headers: auth, body: JSON.stringify({ url: receiver.url, events: ['*'] }) });
  const pool = new Pool(server.url, { connections: 32 });
  const sentAt = new Map<number, number>();
  const cpuNow = () => ({ server: cpuSeconds(server.child.pid), worker: worker ? cpuSeconds(worker.child.pid) : 0, dynalite: cpuSeconds(dynalite), bench: process.cpuUsage() });
  try {
    const cpuStart = cpuNow();
    const wallStart = performance.now();
    const open = await runOpenModel({
      rate: 200,
      durationMs: SECONDS * 1000,
      send: async (i) => {
        sentAt.set(i, Date.now());
        const res = await pool.request({ path: '/v1/events', method: 'POST', headers: auth, body: JSON.stringify({ source: 'bench', event_type: 'order.created', payload: { i } }) });
        await res.body.dump();
        return { ok: res.statusCode === 201, status: res.statusCode };
      },
    });
    const wall = (performance.now() - wallStart) / 1000;
    const cpuEnd = cpuNow();
    const bench = process.cpuUsage(cpuStart.bench);
    const share = (seconds: number) => (seconds / wall).toFixed(2);
    const cpuParts = [`server ${share(cpuEnd.server - cpuStart.server)}`, ...(worker ? [`worker ${share(cpuEnd.worker - cpuStart.worker)}`] : []), `dynalite ${share(cpuEnd.dynalite - cpuStart.dynalite)}`, `bench ${share((bench.user + bench.system) / 1e6)}`];
    const post = `p50 ${Math.round(open.latencyMs.p50)} ms, p99 ${Math.round(open.latencyMs.p99)} ms`;
    await waitFor(() => receiver.received.length >= open.completed, { timeoutMs: 60_000, message: 'live deliveries received' });
    const h = hdr.build();
    for (const r of receiver.received) {
      const i = (JSON.parse(r.body) as { data: { payload: { i: number } } }).data.payload.i;
      h.recordValue(Math.max(1, r.at - sentAt.get(i)!));
    }
    const p = (q: number) => h.getValueAtPercentile(q);
    return { p99: p(99), text: `p50 ${p(50)} ms, p90 ${p(90)} ms, p99 ${p(99)} ms, max ${h.maxValue} ms over ${receiver.received.length} deliveries`, post, cpu: cpuParts.join(', ') };
  } finally {
    await pool.close();
    for (const child of [worker, server]) {
      child?.child.kill('SIGTERM');
      await child?.exited;
    }
  }
}

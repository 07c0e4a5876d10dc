// Store soak: the embedded dynalite process's memory under a long ingest with deliveries, as
// `npm start` runs it (server process, on-disk store process, one webhook to a loopback receiver).
// The goal is an RSS that levels off (≤ 300 MB after 200,000 events), so the slope over the last
// minutes matters as much as the peak. Long: 200,000 events at 500/s is ~7 minutes.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { runOpenModel } from '../load/src/open-model.js';
import { startEmbeddedDynamo } from '../reference-server/src/store/embedded-dynalite.js';
import { startReceiver } from '../test/support/receiver.js';
import { spawnServer } from '../test/support/spawn-server.js';
import { waitFor } from '../test/support/wait-for.js';
import { table } from './record.js';
import { UNLIMITED_TIERS } from './unlimited-tiers.js';

const EVENTS = Number(process.env.BENCH_STORE_EVENTS ?? 200_000);
const RATE = Number(process.env.BENCH_STORE_RATE ?? 500);
const SAMPLE_MS = 5_000;
const GOAL_MB = 300;

interface Sample {
  atS: number;
  events: number;
  storeMb: number;
  serverMb: number;
}

export default async function storeSoak() {
  const dataDir = mkdtempSync(join(tmpdir(), 'aftershock-soak-'));
  const storePath = join(dataDir, 'dynamodb');
  const db = await startEmbeddedDynamo({ path: storePath });
  const storePid = db.pid;
  const receiver = await startReceiver();
  const server = await spawnServer({ DYNAMODB_ENDPOINT: db.endpoint, DATA_DIR: dataDir, LOG_LEVEL: 'warn', RATE_LIMIT_TIERS: UNLIMITED_TIERS });
  const pool = new Pool(server.url, { connections: 32 });
  const samples: Sample[] = [];
  let sent = 0;
  const t0 = performance.now();
  const sampler = setInterval(() => {
    samples.push({ atS: (performance.now() - t0) / 1000, events: sent, storeMb: rssMb(storePid), serverMb: rssMb(server.child.pid!) });
    const last = samples.at(-1)!;
    console.log(`  ${last.atS.toFixed(0)} s: ${last.events} events sent, ${receiver.received.length} delivered, store ${last.storeMb.toFixed(0)} MB, server ${last.serverMb.toFixed(0)} MB`);
  }, SAMPLE_MS);
  try {
    const headers = { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' };
    const hook = await pool.request({ path: '/v1/webhooks', method: 'POST', headers, body: JSON.stringify({ url: `${receiver.url}/hook`, events: ['*'] }) });
    if (hook.statusCode !== 201) throw new Error(`webhook registration answered ${hook.statusCode}: ${await hook.body.text()}`);
    await hook.body.dump();
    samples.push({ atS: 0, events: 0, storeMb: rssMb(storePid), serverMb: rssMb(server.child.pid!) });
    const load = await runOpenModel({
      rate: RATE,
      durationMs: (EVENTS / RATE) * 1000,
      send: async (i) => {
        sent++;
        const res = await pool
          .request({ path: '/v1/events', method: 'POST', headers, body: JSON.stringify({ source: 'soak', event_type: 'order.created', payload: { i, note: 'x'.repeat(200) } }) })
          .catch(() => undefined);
        await res?.body.dump();
        return { ok: res?.statusCode === 201, status: res?.statusCode ?? 0 };
      },
    });
    await waitFor(() => receiver.received.length >= load.completed, { timeoutMs: 300_000, intervalMs: 500, message: 'every accepted event delivered' }).catch(() => undefined);
    samples.push({ atS: (performance.now() - t0) / 1000, events: sent, storeMb: rssMb(storePid), serverMb: rssMb(server.child.pid!) });

    const end = samples.at(-1)!;
    const peak = Math.max(...samples.map((s) => s.storeMb));
    const window = samples.filter((s) => s.atS >= end.atS - 120);
    const slope = slopePerMinute(window.map((s) => [s.atS, s.storeMb]));
    const at = (n: number) => samples.find((s) => s.events >= n)?.storeMb.toFixed(0) ?? '—';
    const body = [
      table(
        ['measure', 'result'],
        [
          ['events accepted / delivered', `${load.completed} / ${receiver.received.length} (${load.failed} failed, ${load.dropped} dropped), ${load.achievedRate.toFixed(0)}/s`],
          ['store RSS at start, 25 %, 50 %, 75 %', `${samples[0]!.storeMb.toFixed(0)}, ${at(EVENTS / 4)}, ${at(EVENTS / 2)}, ${at((EVENTS * 3) / 4)} MB`],
          ['**store RSS at the end (goal ≤ 300 MB)**', `**${end.storeMb.toFixed(0)} MB** (peak ${peak.toFixed(0)} MB) — ${end.storeMb <= GOAL_MB ? 'met' : 'NOT met'}`],
          ['store RSS slope over the last 2 minutes', `${slope.toFixed(1)} MB/min`],
          ['server RSS at the end', `${end.serverMb.toFixed(0)} MB`],
        ],
      ),
      '',
      `${EVENTS} events (BENCH_STORE_EVENTS) at ${RATE}/s (BENCH_STORE_RATE), open model, each with a ~250-byte payload and one`,
      'webhook delivery to a loopback receiver; the store on disk in its own process, as `npm start` runs it. RSS is read from',
      `/proc every ${SAMPLE_MS / 1000} s. Before patches/dynalite+4.0.0+001+iterator-close.patch every Query and Scan left a LevelDB iterator open and the`,
      'store grew without bound (3.8 GB after 180,000 events at 300/s, still rising ~5 MB/s).',
    ].join('\n');
    return { title: 'Store soak: the embedded store’s memory under sustained load', body };
  } finally {
    clearInterval(sampler);
    await pool.close();
    server.child.kill('SIGTERM');
    await server.exited;
    await receiver.close();
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Resident memory of a process, in MB, from /proc (0 once it has exited). */
function rssMb(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return Number(kb ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** The process whose environment holds `entry` (the store child is found by its data path). */
/** Least-squares slope of [seconds, MB] points, in MB per minute. */
function slopePerMinute(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const sxy = points.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
  const sxx = points.reduce((a, [x]) => a + (x - mx) ** 2, 0);
  return sxx === 0 ? 0 : (sxy / sxx) * 60;
}

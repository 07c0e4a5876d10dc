// Analytics benchmark, in one run: ingest throughput (the baseline), the processor's throughput
// draining what that ingest produced, and event→visible-in-analytics latency at 500 events/s.
// The server is its own process with its processor off; the processor runs in this process, as
// `npm run worker` would run it, against the same embedded dynalite process.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as hdr from 'hdr-histogram-js';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { Pool } from 'undici';
import { runClosedLoop } from '../load/src/closed-loop.js';
import { runOpenModel } from '../load/src/open-model.js';
import { systemClock } from '../reference-server/src/domain/clock.js';
import { createDynamo } from '../reference-server/src/store/dynamo-client.js';
import { startEmbeddedDynamo } from '../reference-server/src/store/embedded-dynalite.js';
import { createStores } from '../reference-server/src/store/stores.js';
import { outboxFeed } from '../reference-server/src/workers/analytics-feeds.js';
import { drain } from '../reference-server/src/workers/analytics-processor.js';
import { startAnalytics } from '../reference-server/src/workers/analytics-runtime.js';
import { spawnServer } from '../test/support/spawn-server.js';
import { table } from './record.js';
import { UNLIMITED_TIERS } from './unlimited-tiers.js';

const CONCURRENCY = 32;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const LAG_RATE = 500;
const BATCH = 250;

export default async function analytics() {
  const db = await startEmbeddedDynamo();
  const dataDir = mkdtempSync(join(tmpdir(), 'aftershock-bench-'));
  const server = await spawnServer({
    DYNAMODB_ENDPOINT: db.endpoint,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_TIERS: UNLIMITED_TIERS,
    ANALYTICS_ENABLED: 'false',
    // Fan-out would compete for the same store; this run measures analytics alone.
    WORKER_ENABLED: 'false',
  });
  const dynamo = createDynamo({ endpoint: db.endpoint });
  const stores = createStores(dynamo.doc, 'triggers-api-');
  const pool = new Pool(server.url, { connections: CONCURRENCY, pipelining: 1 });
  const body = JSON.stringify({ source: 'bench', event_type: 'order.created', payload: { order: 1234 } });
  const post = async () => {
    const res = await pool.request({ path: '/v1/events', method: 'POST', headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' }, body });
    await res.body.dump();
    return res.statusCode;
  };
  const deps = { rows: stores.analytics, state: stores.analyticsState, clock: systemClock, batchSize: BATCH };
  try {
    // 1. Ingest throughput with no processor running; the outbox keeps what it produced.
    await runClosedLoop({ concurrency: CONCURRENCY, durationMs: 1000, op: async () => (await post()) === 201 }); // warm-up
    await drain(deps, outboxFeed(stores.outbox), 10_000);
    const ingest = await runClosedLoop({ concurrency: CONCURRENCY, durationMs: SECONDS * 1000, op: async () => (await post()) === 201 });
    console.log(`  ingest: ${ingest.opsPerSecond.toFixed(0)} events/s`);

    // 2. Processor throughput: drain that backlog (one processor, this process).
    const started = performance.now();
    const counted = await drain(deps, outboxFeed(stores.outbox), 10_000);
    const processorSeconds = (performance.now() - started) / 1000;
    const processorRate = counted / processorSeconds;
    console.log(`  processor: ${counted} facts in ${processorSeconds.toFixed(2)} s = ${processorRate.toFixed(0)}/s`);

    // 3. Visibility at 500 events/s with the processor running (polling, as a separate worker does).
    const visibility = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 600_000, numberOfSignificantValueDigits: 3 });
    let measuring = false;
    const runtime = startAnalytics({
      stores,
      clock: systemClock,
      logger: pino({ level: 'warn' }),
      registry: new Registry(),
      pollMs: 100,
      batchSize: BATCH,
      sweepMs: 3_600_000,
      onCounted: (m, now) => {
        if (!measuring) return;
        for (const f of m.facts) if (f.kind === 'event') visibility.recordValue(Math.max(1, now - Date.parse(f.created_at)));
      },
    });
    measuring = true;
    const open = await runOpenModel({
      rate: LAG_RATE,
      durationMs: SECONDS * 2 * 1000,
      send: async () => {
        const status = await post().catch(() => 0);
        return { ok: status === 201, status };
      },
    });
    // Let the tail be counted before stopping (bounded).
    const deadline = Date.now() + 30_000;
    while (visibility.totalCount < open.completed && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await runtime.stop();
    const ratio = processorRate / ingest.opsPerSecond;
    const pct = (p: number) => `${visibility.getValueAtPercentile(p).toFixed(0)} ms`;
    const bodyMd = [
      table(
        ['measure', 'result'],
        [
          [`POST /v1/events, ${CONCURRENCY} in flight, processor off (baseline)`, `${ingest.opsPerSecond.toFixed(0)} events/s (${ingest.errors} errors)`],
          [`processor draining that backlog (batches of ${BATCH}, one process)`, `${processorRate.toFixed(0)} facts/s (${counted} facts in ${processorSeconds.toFixed(2)} s)`],
          ['**ratio processor / ingest**', `**${ratio.toFixed(2)}**`],
          [`open model at ${LAG_RATE}/s for ${SECONDS * 2} s, processor polling every 100 ms`, `${open.completed} created, ${open.failed} failed, ${open.dropped} dropped, achieved ${open.achievedRate.toFixed(0)}/s`],
          ['**event → counted in analytics**', `**p50 ${pct(50)}, p95 ${pct(95)}**, p99 ${pct(99)}, max ${pct(100)} over ${visibility.totalCount} events`],
        ],
      ),
    ].join('\n');
    const method = [
      'The server is its own process with its processor off; the processor runs in the bench process (as `npm run worker`',
      'would), against the same embedded dynalite process. "Counted" is the moment the batch holding the event closed,',
      'measured against the event\'s `created_at`. The backlog also holds the request-statistics facts of those requests.',
    ].join('\n');
    const goals = [
      { name: 'ratio processor / ingest', value: ratio, op: '>=' as const, target: 2 },
      { name: 'event → counted in analytics, p95', value: visibility.getValueAtPercentile(95), op: '<=' as const, target: 2_000, unit: 'ms' },
    ];
    return { title: 'Analytics: processor vs ingest, and freshness', body: bodyMd, method, goals };
  } finally {
    await pool.close();
    dynamo.client.destroy();
    server.child.kill('SIGTERM');
    await server.exited;
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

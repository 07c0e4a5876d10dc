// Ingest benchmark: POST /v1/events against raw PutItem through the same SDK and backend, in one run.
// The server runs as its own process (as `npm start` does) against an embedded dynalite process.
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'undici';
import { runClosedLoop } from '../load/src/closed-loop.js';
import { runOpenModel } from '../load/src/open-model.js';
import { createDynamo } from '../reference-server/src/store/dynamo-client.js';
import { startEmbeddedDynamo } from '../reference-server/src/store/embedded-dynalite.js';
import { ensureTables } from '../reference-server/src/store/tables.js';
import { spawnServer } from '../test/support/spawn-server.js';
import { table } from './record.js';
import { UNLIMITED_TIERS } from './unlimited-tiers.js';

const CONCURRENCY = 32;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

export default async function ingest() {
  const db = await startEmbeddedDynamo();
  const dataDir = mkdtempSync(join(tmpdir(), 'aftershock-bench-'));
  // Limits the bench never reaches, so the shared rate limiter runs on every request without refusing.
  const server = await spawnServer({ DYNAMODB_ENDPOINT: db.endpoint, DATA_DIR: dataDir, LOG_LEVEL: 'warn', RATE_LIMIT_TIERS: UNLIMITED_TIERS });
  try {
    // Baseline: raw PutItem through the SDK into the same backend, from this process.
    const { client } = createDynamo({ endpoint: db.endpoint });
    await ensureTables(client, 'bench-raw-');
    const payload = JSON.stringify({ order: 1234, amount: 99.5, items: ['a', 'b', 'c'] });
    const raw = await runClosedLoop({
      concurrency: CONCURRENCY,
      durationMs: SECONDS * 1000,
      op: async (i) => {
        await client.send(
          new PutItemCommand({
            TableName: 'bench-raw-events',
            Item: { tenant_id: { S: 'tnt_bench' }, event_id: { S: `evt_${i.toString().padStart(26, '0')}` }, payload_json: { S: payload } },
          }),
        );
        return true;
      },
    });
    client.destroy();

    const pool = new Pool(server.url, { connections: CONCURRENCY, pipelining: 1 });
    const body = JSON.stringify({ source: 'bench', event_type: 'order.created', payload: { order: 1234, amount: 99.5, items: ['a', 'b', 'c'] } });
    const post = async () => {
      const res = await pool.request({
        path: '/v1/events',
        method: 'POST',
        headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
        body,
      });
      await res.body.dump();
      return res.statusCode;
    };
    await runClosedLoop({ concurrency: CONCURRENCY, durationMs: 1000, op: async () => (await post()) === 201 }); // warm-up
    const api = await runClosedLoop({ concurrency: CONCURRENCY, durationMs: SECONDS * 1000, op: async () => (await post()) === 201 });
    const rate = Math.max(50, Math.round((api.opsPerSecond * 0.5) / 50) * 50);
    const open = await runOpenModel({
      rate,
      durationMs: SECONDS * 1000,
      send: async () => {
        const status = await post().catch(() => 0);
        return { ok: status === 201, status };
      },
    });
    await pool.close();

    const ratio = api.opsPerSecond / raw.opsPerSecond;
    const bodyMd = [
      table(
        ['measure', 'result'],
        [
          [`raw SDK PutItem, ${CONCURRENCY} in flight (baseline)`, `${raw.opsPerSecond.toFixed(0)} ops/s (${raw.errors} errors)`],
          [`POST /v1/events, ${CONCURRENCY} in flight`, `${api.opsPerSecond.toFixed(0)} events/s (${api.errors} errors)`],
          ['**ratio ingest / raw PutItem**', `**${ratio.toFixed(2)}**`],
          [`open model at ${rate}/s (half the measured capacity)`, `p50 ${open.latencyMs.p50.toFixed(1)} ms, p90 ${open.latencyMs.p90.toFixed(1)} ms, p99 ${open.latencyMs.p99.toFixed(1)} ms, max ${open.latencyMs.max.toFixed(1)} ms`],
          ['open model outcome', `${open.completed} created, ${open.failed} failed, ${open.dropped} dropped, achieved ${open.achievedRate.toFixed(0)}/s`],
        ],
      ),
    ].join('\n');
    const method = [
      'Each closed-loop phase runs BENCH_SECONDS (default 5 s). The server is a separate process (as `npm start`), the',
      'embedded dynalite a third; the raw baseline sends from the bench process through the same SDK client settings.',
      'Open-model latency is measured from each request\'s intended start time (no coordinated omission).',
    ].join('\n');
    return { title: 'Ingest: POST /v1/events vs raw PutItem', body: bodyMd, method, goals: [{ name: 'ratio ingest / raw PutItem', value: ratio, op: '>=' as const, target: 0.5 }] };
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

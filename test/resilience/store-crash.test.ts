// The on-disk store killed (`kill -9`) mid-write, again and again, while events fan out and
// deliveries settle: after the last restart every accepted event's delivery to each webhook ends
// delivered or dead-lettered within a bound. A kill can tear an item from its index entry; the
// reconciliation sweep is what finds those deliveries. STORE_CRASH_KILLS sets the number of kills
// (`npm run soak` runs more).
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../reference-server/src/store/embedded-dynalite.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { waitFor } from '../support/wait-for.js';
import { isAlive } from '../support/process-alive.js';

const KILLS = Number(process.env.STORE_CRASH_KILLS ?? 4);
/** Longest every delivery may take to end after the last restart. */
const BOUND_MS = 45_000;
const dir = mkdtempSync(join(tmpdir(), 'aftershock-store-crash-'));
let db: EmbeddedDynamo | undefined;
let api: TestApi | undefined;
const receivers: Receiver[] = [];
afterAll(async () => {
  await api?.close();
  await db?.stop();
  await Promise.all(receivers.map((r) => r.close()));
  rmSync(dir, { recursive: true, force: true });
});

it(`every delivery ends delivered or dead-lettered after ${KILLS} kills of the store mid-write`, { timeout: 60_000 + KILLS * 10_000 }, async () => {
  const path = join(dir, 'store');
  db = await startEmbeddedDynamo({ path });
  const port = db.port;
  api = await startTestApi({
    DYNAMODB_ENDPOINT: db.endpoint,
    DYNAMODB_MAX_ATTEMPTS: '2',
    RATE_LIMIT_ENABLED: 'false',
    WORKER_POLL_MS: '50',
    WEBHOOK_TIMEOUT_MS: '500',
    WEBHOOK_VISIBILITY_TIMEOUT_MS: '2000',
    WEBHOOK_RETRY_SCHEDULE: '100,200,400',
    WEBHOOK_RETRY_JITTER: '0',
    WEBHOOK_SWEEP_MS: '500',
  });
  const fast = await startReceiver();
  const flaky = await startReceiver();
  receivers.push(fast, flaky);
  fast.respond(() => ({ status: 200, delayMs: 5 }));
  // Every other request fails, so retries (settles that keep a delivery queued) are written throughout.
  flaky.respond((req) => ({ status: req.n % 2 === 1 ? 503 : 200 }));
  const key = await api.createKey();
  const hooks: string[] = [];
  for (const r of [fast, flaky]) {
    const res = await api.call('POST', '/v1/webhooks', { key: key.api_key, body: { url: r.url, events: ['*'] } });
    hooks.push(res.body.webhook_id as string);
  }

  const accepted: string[] = [];
  const post = (i: number) =>
    api!
      .call('POST', '/v1/events', { key: key.api_key, headers: { 'idempotency-key': `crash-${i}` }, body: { source: 'crash', event_type: 'order.created', payload: { i } } })
      .then((res) => res.status === 201 && accepted.push(res.body.event_id as string))
      .catch(() => undefined);
  let n = 0;
  for (let kill = 0; kill < KILLS; kill++) {
    // A burst of events, then the kill once deliveries of this burst are arriving: fan-out, attempts
    // and settles are all writing at that moment.
    // Receipts of this burst's events only: retries of earlier bursts' deliveries arrive meanwhile too,
    // and counting them could kill the store before this burst's events were accepted.
    const first = n;
    const ofBurst = () =>
      [...fast.received, ...flaky.received].filter((r) => {
        const i = (JSON.parse(r.body) as { data: { payload: { i: number } } }).data.payload.i;
        return i >= first && i < first + 25;
      }).length;
    const burst = Array.from({ length: 25 }, () => post(n++));
    await waitFor(() => ofBurst() >= 10, { timeoutMs: 15_000, message: `deliveries of burst ${kill + 1} under way before its kill` });
    const pid = db.pid;
    db.kill();
    await waitFor(() => !isAlive(pid), { message: 'the killed store gone' });
    await Promise.all(burst);
    db = await startEmbeddedDynamo({ path, port });
  }

  const restartedAt = Date.now();
  const { doc } = api.dynamo;
  const table = `${api.config.TABLE_PREFIX}webhook-delivery`;
  const ended = await waitFor(
    async () => {
      const status = new Map<string, string>();
      let start: Record<string, unknown> | undefined;
      do {
        const page = await doc.send(new ScanCommand({ TableName: table, ExclusiveStartKey: start, ProjectionExpression: 'event_id, webhook_id, #s', ExpressionAttributeNames: { '#s': 'status' } }));
        for (const d of page.Items ?? []) status.set(`${d.event_id}/${d.webhook_id}`, d.status as string);
        start = page.LastEvaluatedKey;
      } while (start);
      const open = accepted.flatMap((e) => hooks.filter((h) => !['delivered', 'dead'].includes(status.get(`${e}/${h}`) ?? '')).map((h) => `${e}/${h}`));
      return open.length === 0 ? status : undefined;
    },
    { timeoutMs: BOUND_MS, intervalMs: 250, message: `every delivery delivered or dead-lettered within ${BOUND_MS} ms of the last restart` },
  );
  const { Items: dlq } = await doc.send(new ScanCommand({ TableName: `${api.config.TABLE_PREFIX}webhook-dlq`, ProjectionExpression: 'event_id, webhook_id' }));
  const listed = new Set((dlq ?? []).map((e) => `${e.event_id}/${e.webhook_id}`));
  expect([...ended].filter(([pair, status]) => status === 'dead' && !listed.has(pair))).toEqual([]);
  console.log(`[store-crash] ${KILLS} kills, ${accepted.length} events accepted, ${ended.size} deliveries ended ${Date.now() - restartedAt} ms after the last restart`);
  expect(accepted.length).toBeGreaterThan(KILLS * 10);
});

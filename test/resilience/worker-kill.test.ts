// A worker killed at each stage of fan-out and delivery: the `worker` fault point's crash injector
// ends the process (exit 137, no clean-up, as `kill -9`) the first time it reaches the step, then a
// fresh worker takes over; every accepted event must reach the receiver (answered 2xx) or the DLQ.
// One more stage is timed by what the receiver and the outbox show: the worker is killed -9 after a
// later fan-out pass has finished its bookkeeping while an earlier first attempt is still at the receiver.
// `npm test` runs a few stages; WORKER_KILL_ALL=1 (`npm run soak`) runs every one.
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkerProcess, type ChildStack } from '../../reference-server/src/index.js';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../reference-server/src/store/embedded-dynalite.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { waitFor } from '../support/wait-for.js';

const SECRETS_KEY = 'worker-kill-test-secrets-key-0123456789abcd';
const ALL = process.env.WORKER_KILL_ALL === '1';
const TIMING = { WORKER_POLL_MS: '50', WEBHOOK_TIMEOUT_MS: '1000', WEBHOOK_VISIBILITY_TIMEOUT_MS: '2500', WEBHOOK_RETRY_SCHEDULE: '100,200,300', WEBHOOK_RETRY_JITTER: '0' };
let db: EmbeddedDynamo;
let prefix = 0;
const cleanups: (() => Promise<unknown>)[] = [];
beforeAll(async () => {
  db = await startEmbeddedDynamo();
});
afterAll(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
  await db?.stop();
});

interface Setup {
  api: TestApi;
  env: { DYNAMODB_ENDPOINT: string; TABLE_PREFIX: string };
  receiver: Receiver;
  key: string;
  /** Event ids of deliveries the receiver answered with a 2xx. */
  delivered: Set<string>;
}

/** A server without workers on tables of its own, a receiver failing every third request, one webhook. */
async function setup(reply: (eventId: string, n: number) => { status: number; hang?: boolean } = (_, n) => ({ status: n % 3 === 0 ? 503 : 200 })): Promise<Setup> {
  const env = { DYNAMODB_ENDPOINT: db.endpoint, TABLE_PREFIX: `wk${++prefix}-` };
  const api = await startTestApi({ ...env, WORKER_ENABLED: 'false', RATE_LIMIT_ENABLED: 'false' }, { secretsKey: SECRETS_KEY });
  const receiver = await startReceiver();
  cleanups.push(() => api.close(), () => receiver.close());
  const delivered = new Set<string>();
  receiver.respond((req) => {
    const eventId = (JSON.parse(req.body) as { data: { event_id: string } }).data.event_id;
    const r = reply(eventId, req.n);
    if (r.status < 300 && !r.hang) delivered.add(eventId);
    return r;
  });
  const key = (await api.createKey()).api_key;
  await api.call('POST', '/v1/webhooks', { key, body: { url: receiver.url, events: ['*'] } });
  return { api, env, receiver, key, delivered };
}

async function worker(env: Setup['env'], extra: Record<string, string> = {}): Promise<ChildStack> {
  const w = await startWorkerProcess({ dynamodbEndpoint: env.DYNAMODB_ENDPOINT, secretsKey: SECRETS_KEY, tablePrefix: env.TABLE_PREFIX, env: { LOG_LEVEL: 'warn', ...TIMING, ...extra } });
  cleanups.push(async () => {
    w.kill('SIGKILL');
    await w.exited;
  });
  return w;
}

async function post(s: Setup, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await s.api.call('POST', '/v1/events', { key: s.key, body: { source: 'kill', event_type: 'order.created', payload: { i } } });
    expect(res.status).toBe(201);
    ids.push(res.body.event_id as string);
  }
  return ids;
}

/** Waits until every event was answered 2xx by the receiver or has a DLQ entry. */
async function everyEventArrives(s: Setup, ids: string[]): Promise<void> {
  await waitFor(
    async () => {
      const { Items } = await s.api.dynamo.doc.send(new ScanCommand({ TableName: `${s.env.TABLE_PREFIX}webhook-dlq`, ProjectionExpression: 'event_id' }));
      const dead = new Set((Items ?? []).map((i) => i.event_id as string));
      return ids.every((id) => s.delivered.has(id) || dead.has(id));
    },
    { timeoutMs: 40_000, intervalMs: 200, message: 'every accepted event at the receiver or in the DLQ' },
  );
}

const STAGES = [
  { loop: 'fanout', step: 'batch', quick: false },
  { loop: 'fanout', step: 'before_ack', quick: true },
  { loop: 'delivery', step: 'send', quick: false },
  { loop: 'delivery', step: 'settle', quick: true },
] as const;

describe('a worker killed at each stage', () => {
  for (const stage of STAGES.filter((s) => ALL || s.quick)) {
    it.concurrent(`killed at ${stage.loop}/${stage.step}: every accepted event reaches the receiver or the DLQ`, { timeout: 60_000 }, async () => {
      const s = await setup();
      const ids = await post(s, 8);
      const rule = { id: 'kill', point: 'worker', match: { loop: stage.loop, step: stage.step }, injector: { kind: 'crash', exit_code: 137 }, max_count: 1 };
      const doomed = await worker(s.env, { CHAOS_ENABLED: 'true', CHAOS_SEED: '1', CHAOS_RULES: JSON.stringify([rule]) });
      expect(await doomed.exited).toBe(137);
      await worker(s.env);
      await everyEventArrives(s, ids);
    });
  }

  it.concurrent('killed -9 after a later fan-out pass finished its bookkeeping, while a first attempt is still at the receiver', { timeout: 60_000 }, async () => {
    let slow: string | undefined;
    const s = await setup((eventId) => (eventId === slow ? { status: 200, hang: true } : { status: 200 }));
    const first = await worker(s.env);
    [slow] = await post(s, 1);
    await waitFor(() => s.receiver.received.length === 1, { message: 'the first attempt at the receiver' });
    const later = await post(s, 3);
    const outbox = `${s.env.TABLE_PREFIX}event-outbox`;
    await waitFor(async () => {
      const { Items } = await s.api.dynamo.doc.send(new ScanCommand({ TableName: outbox, FilterExpression: 'consumer = :c', ExpressionAttributeValues: { ':c': 'fanout' } }));
      const left = new Set((Items ?? []).map((i) => i.event_id as string));
      return later.every((id) => s.delivered.has(id) && !left.has(id));
    }, { message: 'the later pass delivered and removed its outbox rows' });
    first.kill('SIGKILL');
    await first.exited;
    slow = undefined; // the receiver has recovered
    await worker(s.env);
    await everyEventArrives(s, [...later, s.receiver.json<{ data: { event_id: string } }>()[0]!.data.event_id]);
  });
});

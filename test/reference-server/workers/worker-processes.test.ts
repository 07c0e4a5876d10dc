// Webhook workers as separate processes over one DynamoDB: a crash before fan-out, a worker killed
// mid-delivery, and three workers sharing hundreds of deliveries without ever doubling one.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startWorkerProcess, type ChildStack } from '../../../reference-server/src/index.js';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../../reference-server/src/store/embedded-dynalite.js';
import { startReceiver, type Receiver } from '../../support/receiver.js';
import { startTestApi, type TestApi } from '../../support/test-api.js';
import { waitFor } from '../../support/wait-for.js';

const SECRETS_KEY = 'worker-process-test-secrets-key-0123456789';
// Events for the three workers to share, each delivered to four webhooks: 100 in `npm test` (400
// deliveries), WORKER_SHARE_EVENTS=250 in `npm run soak` (1,000).
const SHARED_EVENTS = Number(process.env.WORKER_SHARE_EVENTS ?? 100);
let db: EmbeddedDynamo;
let prefix = 0;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  db = await startEmbeddedDynamo();
});
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});
afterAll(async () => db?.stop());

/** A server that accepts events but runs no workers, on tables of its own. */
async function serverWithoutWorkers(): Promise<{ api: TestApi; env: Record<string, string> }> {
  const env = { DYNAMODB_ENDPOINT: db.endpoint, TABLE_PREFIX: `wp${++prefix}-`, SECRETS_KEY };
  const api = await startTestApi({ ...env, WORKER_ENABLED: 'false' }, { secretsKey: SECRETS_KEY });
  cleanups.push(() => api.close());
  return { api, env };
}

/** A `npm run worker` process on the server's tables, ready once it says so over IPC. */
async function worker(env: Record<string, string>, extra: Record<string, string> = {}): Promise<ChildStack> {
  const w = await startWorkerProcess({
    dynamodbEndpoint: env.DYNAMODB_ENDPOINT!,
    secretsKey: SECRETS_KEY,
    tablePrefix: env.TABLE_PREFIX,
    env: { LOG_LEVEL: 'warn', WORKER_POLL_MS: '50', WEBHOOK_RETRY_SCHEDULE: '100,200,300', ...extra },
  });
  cleanups.push(async () => {
    w.kill('SIGKILL');
    await w.exited;
  });
  return w;
}

async function receiver(): Promise<Receiver> {
  const r = await startReceiver();
  cleanups.push(() => r.close());
  return r;
}

describe('worker processes', () => {
  it('delivers events stored before any fan-out happened (crash between storing and enqueueing)', async () => {
    const { api, env } = await serverWithoutWorkers();
    const r = await receiver();
    const key = await api.createKey();
    await api.call('POST', '/v1/webhooks', { key: key.api_key, body: { url: r.url, events: ['*'] } });
    for (let i = 0; i < 5; i++) await api.call('POST', '/v1/events', { key: key.api_key, body: { source: 's', event_type: 'e.x', payload: { i } } });
    await api.close(); // the "crash": the server is gone, its events were never fanned out
    expect(r.received).toHaveLength(0);
    await worker(env);
    await waitFor(() => r.received.length === 5, { message: 'all five delivered by the sweeping worker' });
    expect(new Set(r.json<{ data: { payload: { i: number } } }>().map((b) => b.data.payload.i))).toEqual(new Set([0, 1, 2, 3, 4]));
  });

  it('redelivers with the same id after a worker is killed -9 while the receiver holds its request', async () => {
    const { api, env } = await serverWithoutWorkers();
    const r = await receiver();
    r.respond((req) => (req.n === 1 ? { status: 200, hang: true } : { status: 200 }));
    const key = await api.createKey();
    const hook = await api.call('POST', '/v1/webhooks', { key: key.api_key, body: { url: r.url, events: ['*'] } });
    const timing = { WEBHOOK_TIMEOUT_MS: '1500', WEBHOOK_VISIBILITY_TIMEOUT_MS: '3000' };
    const first = await worker(env, timing);
    await api.call('POST', '/v1/events', { key: key.api_key, body: { source: 's', event_type: 'e.x', payload: {} } });
    await waitFor(() => r.received.length === 1, { message: 'first attempt in flight' });
    first.kill('SIGKILL');
    await first.exited;
    const killedAt = Date.now();
    await worker(env, timing);
    await waitFor(() => r.received.length === 2, { timeoutMs: 15_000, message: 'redelivered after the lease expired' });
    expect(r.received[1]!.headers['webhook-id']).toBe(r.received[0]!.headers['webhook-id']);
    expect(r.received[1]!.at - killedAt).toBeGreaterThan(500); // only after the lease ran out
    await waitFor(async () => {
      const res = await api.call('GET', `/v1/webhooks/${hook.body.webhook_id}/deliveries`, { key: key.api_key });
      return res.body.deliveries[0]?.status === 'delivered';
    }, { message: 'delivery settled as delivered' });
  });

  it(`shares ${SHARED_EVENTS * 4} deliveries across three worker processes, each received exactly once`, async () => {
    const { api, env } = await serverWithoutWorkers();
    const r = await receiver();
    const key = await api.createKey();
    for (let i = 0; i < 4; i++) await api.call('POST', '/v1/webhooks', { key: key.api_key, body: { url: `${r.url}/${i}`, events: ['*'] } });
    for (let batch = 0; batch < SHARED_EVENTS / 10; batch++) {
      await Promise.all(
        Array.from({ length: 10 }, (_, i) => api.call('POST', '/v1/events', { key: key.api_key, body: { source: 's', event_type: 'e.x', payload: { n: batch * 10 + i } } })),
      );
    }
    const workers = await Promise.all([worker(env), worker(env), worker(env)]);
    const deliveries = SHARED_EVENTS * 4;
    await waitFor(() => r.received.length >= deliveries, { timeoutMs: 60_000, message: `${deliveries} deliveries received` }).catch((err: Error) => {
      // What the workers reported (warnings and errors) is what tells a stall from a loss.
      const logs = workers.map((w, i) => `worker ${i + 1}:\n${w.output().slice(-3_000)}`).join('\n');
      throw new Error(`${err.message}: ${r.received.length} received, ${new Set(r.received.map((x) => x.headers['webhook-id'])).size} distinct\n${logs}`);
    });
    const ids = r.received.map((x) => x.headers['webhook-id']);
    expect(ids).toHaveLength(deliveries);
    expect(new Set(ids).size).toBe(deliveries);
  }, 90_000);
});

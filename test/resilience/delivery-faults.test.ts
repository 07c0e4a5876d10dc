// Webhook delivery under faults: workers hanging past their lease, DynamoDB partial failures during
// ingest and delivery, a receiver outage, and connection resets on the way out. Every accepted event
// must reach the receiver or the DLQ, and no delivery may be sent twice at the same time.
import { afterEach, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { startTestApi, type CreatedKey, type TestApi } from '../support/test-api.js';
import { waitFor } from '../support/wait-for.js';
import { ingest, seededEngine } from './support/chaos-run.js';

let api: TestApi | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  await api?.close();
  await receiver?.close();
  api = undefined;
  receiver = undefined;
});

const env = {
  AUTH_CACHE_MS: '2000',
  RATE_LIMIT_ENABLED: 'false',
  WORKER_POLL_MS: '50',
  WEBHOOK_TIMEOUT_MS: '500',
  WEBHOOK_VISIBILITY_TIMEOUT_MS: '2000',
  WEBHOOK_RETRY_SCHEDULE: '200,400,800,1600',
  WEBHOOK_RETRY_JITTER: '0',
};

async function withWebhook(engineName: string, extraEnv: Record<string, string> = {}) {
  const engine = seededEngine(engineName);
  api = await startTestApi({ ...env, ...extraEnv }, { chaos: { engine } });
  receiver = await startReceiver();
  const key = await api.createKey();
  const hook = await api.client(key.api_key).webhooks.create({ url: receiver.url, events: ['*'] });
  return { engine, api, receiver, key, webhookId: hook.webhook_id };
}

/** Every delivery of the webhook, following cursors. */
async function deliveries(a: TestApi, key: CreatedKey, webhookId: string) {
  const all: { event_id: string; status: string }[] = [];
  for await (const d of a.client(key.api_key).webhooks.deliveries(webhookId, { limit: 100 })) all.push(d);
  return all;
}

const receivedEventIds = (r: Receiver) => new Set(r.json<{ data: { event_id: string } }>().map((b) => b.data.event_id));

describe('delivery under faults', () => {
  it('a worker hanging past its lease after sending: another attempt redelivers with the same id', async () => {
    const { engine, api: a, receiver: r, key, webhookId } = await withWebhook('hanging past its lease after sending');
    // The first attempt fails (retry in 1 s), so the one that hangs is a retry, held by a delivery
    // lease of its own; the fault is set once the first attempt's outcome is recorded.
    r.respond((req) => (req.n === 1 ? { status: 503, headers: { 'retry-after': '1' } } : { status: 200 }));
    await a.call('POST', '/v1/events', { key: key.api_key, body: { source: 's', event_type: 'e', payload: {} } });
    await waitFor(async () => (await a.call('GET', `/v1/webhooks/${webhookId}/deliveries`, { key: key.api_key })).body.deliveries[0]?.attempts.length === 1, {
      message: 'first attempt answered 503 and recorded',
    });
    expect(r.received).toHaveLength(1);
    engine.upsertRules([{ id: 'hang-settle', point: 'worker', match: { loop: 'delivery', step: 'settle' }, injector: { kind: 'hang', ms: 3_000 }, max_count: 1, duration: 30_000 }]);
    await waitFor(() => r.received.length === 3, { timeoutMs: 15_000, message: 'redelivered after the lease expired' });
    expect(new Set(r.received.map((x) => x.headers['webhook-id'])).size).toBe(1);
    expect(r.received[2]!.at - r.received[1]!.at).toBeGreaterThanOrEqual(1_500);
    await waitFor(async () => (await deliveries(a, key, webhookId))[0]?.status === 'delivered', { message: 'settled once' });
    expect(engine.log.entries().filter((e) => e.rule === 'hang-settle')).toHaveLength(1);
  });

  it('a first attempt hanging past the fan-out lease after sending: queued again, redelivered once, its late record never written', async () => {
    const { engine, api: a, receiver: r, key, webhookId } = await withWebhook('first attempt hanging past the fan-out lease');
    // Longer than the fan-out lease's write deadline leaves a handed-off attempt (under 10 s here).
    const HANG_MS = 10_000;
    engine.upsertRules([{ id: 'hang-first', point: 'worker', match: { loop: 'delivery', step: 'settle' }, injector: { kind: 'hang', ms: HANG_MS }, max_count: 1, duration: 60_000 }]);
    await a.call('POST', '/v1/events', { key: key.api_key, body: { source: 's', event_type: 'e', payload: {} } });
    await waitFor(() => r.received.length === 2, { timeoutMs: 15_000, message: 'redelivered once the fan-out lease fenced the first attempt out' });
    expect(r.received[1]!.headers['webhook-id']).toBe(r.received[0]!.headers['webhook-id']);
    await waitFor(async () => (await deliveries(a, key, webhookId))[0]?.status === 'delivered', { message: 'settled by the second attempt' });
    // Let the hung attempt wake up and try to record its outcome.
    const wokeBy = r.received[0]!.at + HANG_MS + 500;
    await waitFor(() => Date.now() > wokeBy, { timeoutMs: 15_000, intervalMs: 100 });
    const res = await a.call('GET', `/v1/webhooks/${webhookId}/deliveries`, { key: key.api_key });
    expect(res.body.deliveries).toHaveLength(1);
    expect(res.body.deliveries[0].attempts).toHaveLength(1);
    expect(r.received).toHaveLength(2);
  }, 30_000);

  it('a worker hanging past its lease before sending never sends on the lost lease', async () => {
    const { engine, api: a, receiver: r, key, webhookId } = await withWebhook('hanging past its lease before sending');
    engine.upsertRules([{ id: 'hang-send', point: 'worker', match: { loop: 'delivery', step: 'send' }, injector: { kind: 'hang', ms: 3_000 }, max_count: 1, duration: 30_000 }]);
    await a.call('POST', '/v1/events', { key: key.api_key, body: { source: 's', event_type: 'e', payload: {} } });
    await waitFor(async () => (await deliveries(a, key, webhookId))[0]?.status === 'delivered', { timeoutMs: 15_000, message: 'delivered by the next lease' });
    // Wait until the hung attempt has woken up (3 s) and had its chance to send.
    await waitFor(() => engine.log.entries().some((e) => e.rule === 'hang-send'));
    const wokeBy = Date.now() + 3_500;
    await waitFor(() => Date.now() > wokeBy, { timeoutMs: 5_000, intervalMs: 100 });
    expect(r.received).toHaveLength(1);
  });

  it('10 % partial failure on DynamoDB during ingest and delivery: every accepted event is delivered or dead-lettered', async () => {
    const { engine, api: a, receiver: r, key, webhookId } = await withWebhook('10 % partial failure on DynamoDB during ingest and delivery', { DYNAMODB_MAX_ATTEMPTS: '3' });
    engine.upsertRules([{ id: 'partial', point: 'dynamodb', injector: { kind: 'partial_failure', phase: 'either' }, probability: 0.1, duration: 6_000 }]);
    const run = await ingest(a, key.api_key, { rate: 25, durationMs: 4_000, tag: 'pf' });
    await waitFor(() => engine.activeRuleCount() === 0, { timeoutMs: 10_000, message: 'rule expired' });
    expect(run.accepted.length).toBeGreaterThan(50);
    await waitFor(async () => {
      const all = await deliveries(a, key, webhookId);
      const byEvent = new Map(all.map((d) => [d.event_id, d.status]));
      return run.accepted.every((id) => byEvent.get(id) === 'delivered' || byEvent.get(id) === 'dead');
    }, { timeoutMs: 30_000, intervalMs: 1000, message: 'every accepted event delivered or dead-lettered' });
    const got = receivedEventIds(r);
    const dead = (await deliveries(a, key, webhookId)).filter((d) => d.status === 'dead').map((d) => d.event_id);
    for (const id of run.accepted) expect(got.has(id) || dead.includes(id)).toBe(true);
  });

  it('a receiver outage then recovery: the backlog drains and every delivery arrives', async () => {
    const { api: a, receiver: r, key, webhookId } = await withWebhook('receiver outage then recovery');
    let down = true;
    r.respond(() => (down ? { status: 503 } : { status: 200 }));
    const run = await ingest(a, key.api_key, { rate: 20, durationMs: 1_500, tag: 'outage' });
    await waitFor(() => r.received.length >= run.accepted.length, { message: 'first attempts arrived (and failed)' });
    down = false;
    await waitFor(() => run.accepted.every((id) => receivedEventIds(r).has(id)) && r.received.length > run.accepted.length, { timeoutMs: 20_000, message: 'backlog drained' });
    await waitFor(async () => (await deliveries(a, key, webhookId)).every((d) => d.status === 'delivered'), { timeoutMs: 10_000 });
    const ok = r.received.filter((x) => x.at > 0 && JSON.parse(x.body).type === 'order.created');
    expect(ok.length).toBeGreaterThan(run.accepted.length);
  });

  it('connection resets on 30 % of outgoing requests: every delivery still arrives', async () => {
    // Ten attempts per delivery: with five, a delivery meeting five resets in a row (0.3⁵) would be
    // dead-lettered, about one run in eleven at 40 events; with ten it is about one in 4,000.
    const { engine, api: a, receiver: r, key } = await withWebhook('connection resets on 30 % of outgoing requests', {
      WEBHOOK_RETRY_SCHEDULE: '100,100,200,200,300,300,400,400,400',
    });
    engine.upsertRules([{ id: 'reset-out', point: 'http_out', injector: { kind: 'connection_reset' }, probability: 0.3, duration: 20_000 }]);
    const run = await ingest(a, key.api_key, { rate: 20, durationMs: 2_000, tag: 'reset' });
    await waitFor(() => run.accepted.every((id) => receivedEventIds(r).has(id)), { timeoutMs: 20_000, message: 'all delivered despite resets' });
    expect(engine.log.entries().filter((e) => e.rule === 'reset-out').length).toBeGreaterThan(3);
  });
});

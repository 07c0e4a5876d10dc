// A worker process woken through the server's wake stream (WORKER_WAKE_URL): its poll is set to a
// minute and its overdue sweep to ten, so only a wake can explain a delivery within seconds — of a new
// event (fan-out), and of a dead delivery replayed from the DLQ (deliveries queued by the API). Once the
// worker has held the fan-out lease long enough, events come over the stream whole and are fanned out
// without an outbox read, still exactly once each.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorkerProcess, type ChildStack } from '../../../reference-server/src/index.js';
import { startReceiver, type Receiver } from '../../support/receiver.js';
import { startTestApi, type TestApi } from '../../support/test-api.js';
import { waitFor } from '../../support/wait-for.js';

const SECRETS_KEY = 'worker-wake-test-secrets-key-0123456789abc';
/** Far below the worker's one-minute poll: a delivery within this came from a wake. */
const WOKEN_WITHIN_MS = 15_000;
let api: TestApi;
let receiver: Receiver;
let worker: ChildStack;
let key: string;
let webhookId: string;

const subscribers = async () => Number(/^worker_wake_subscribers (\d+)/m.exec(await (await fetch(`${api.url}/metrics`)).text())?.[1]);
const postEvent = async (n: number) => expect((await api.call('POST', '/v1/events', { key, body: { source: 'wake', event_type: 'order.created', payload: { n } } })).status).toBe(201);
const fannedOut = async (source: 'handed' | 'outbox') =>
  Number(new RegExp(`^webhook_fanout_events_total\\{source="${source}"\\} (\\d+)`, 'm').exec(await (await fetch(`${worker.url}/metrics`)).text())?.[1] ?? 0);
const receivedPayloads = () => receiver.json<{ data: { payload: { n: number } } }>().map((b) => b.data.payload.n);

beforeAll(async () => {
  receiver = await startReceiver();
  // The server's own workers dead-letter one delivery (a 500, one immediate retry), then stop: from
  // then on only the worker process delivers.
  api = await startTestApi({ WORKER_POLL_MS: '50', WEBHOOK_RETRY_SCHEDULE: '0', ANALYTICS_ENABLED: 'false' }, { secretsKey: SECRETS_KEY });
  key = (await api.createKey()).api_key;
  webhookId = (await api.call('POST', '/v1/webhooks', { key, body: { url: receiver.url, events: ['*'] } })).body.webhook_id;
  receiver.respond(() => ({ status: 500 }));
  await postEvent(0);
  await waitFor(async () => (await api.call('GET', '/v1/webhooks/dlq', { key })).body.entries?.length === 1, { message: 'first delivery dead-lettered' });
  await api.stopWorkers();
  receiver.respond(() => ({ status: 200 }));
  receiver.received.length = 0;
  worker = await startWorkerProcess({
    dynamodbEndpoint: api.endpoint,
    secretsKey: SECRETS_KEY,
    tablePrefix: api.config.TABLE_PREFIX,
    env: { LOG_LEVEL: 'warn', WORKER_POLL_MS: '60000', WEBHOOK_SWEEP_MS: '600000', ANALYTICS_ENABLED: 'false', WORKER_WAKE_URL: api.url },
  });
  // A wake is only sent to a subscriber: events before it would wait for the poll.
  await waitFor(async () => (await subscribers()) === 1, { message: 'the worker follows the wake stream' });
}, 60_000);
afterAll(async () => {
  await worker?.stop();
  await api?.close();
  await receiver?.close();
});

describe('a worker process woken by the server', () => {
  it('delivers an event stored by the server within seconds, though its poll is a minute', async () => {
    await postEvent(1);
    await waitFor(() => receivedPayloads().includes(1), { timeoutMs: WOKEN_WITHIN_MS, message: 'event delivered by the woken worker' });
    await postEvent(2);
    await waitFor(() => receivedPayloads().includes(2), { timeoutMs: WOKEN_WITHIN_MS, message: 'second event delivered by the woken worker' });
  });

  it('delivers a dead delivery replayed from the DLQ within seconds', async () => {
    const entries = (await api.call('GET', '/v1/webhooks/dlq', { key })).body.entries as { delivery_id: string; webhook_id: string }[];
    expect(entries).toEqual([expect.objectContaining({ webhook_id: webhookId })]);
    expect((await api.call('POST', `/v1/webhooks/dlq/${entries[0]!.delivery_id}/replay`, { key })).status).toBe(202);
    await waitFor(() => receivedPayloads().includes(0), { timeoutMs: WOKEN_WITHIN_MS, message: 'replayed delivery sent by the woken worker' });
  });

  it('fans out events handed over the stream once its lease hold covers their writes, each delivered once', async () => {
    // The hold must have begun before a write by more than the clock-skew guard (2.5 s here): until
    // then events go through the outbox. Bounded: a few seconds of one event per 200 ms.
    let n = 100;
    await waitFor(
      async () => {
        await postEvent(++n);
        return (await fannedOut('handed')) > 0;
      },
      { timeoutMs: 20_000, intervalMs: 200, message: 'an event fanned out as handed over the stream' },
    );
    const probes = Array.from({ length: n - 100 }, (_, i) => 101 + i);
    await waitFor(() => probes.every((p) => receivedPayloads().includes(p)), { timeoutMs: WOKEN_WITHIN_MS, message: 'every probe delivered' });
    const handedBefore = await fannedOut('handed');
    const outboxBefore = await fannedOut('outbox');
    for (let i = 0; i < 5; i++) await postEvent(200 + i);
    await waitFor(() => [200, 201, 202, 203, 204].every((p) => receivedPayloads().includes(p)), { timeoutMs: WOKEN_WITHIN_MS, message: 'every event delivered' });
    expect(await fannedOut('handed')).toBe(handedBefore + 5);
    expect(await fannedOut('outbox')).toBe(outboxBefore);
    const payloads = receivedPayloads().filter((p) => p > 100);
    expect(payloads.length).toBe(new Set(payloads).size);
  });
});

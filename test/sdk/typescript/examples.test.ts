// Runs every TypeScript example in sdk/typescript/examples against a real Triggers API (dynalite,
// loopback sockets, in-process workers), so the examples users copy cannot rot.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { basicUsage } from '../../../sdk/typescript/examples/basic-usage.js';
import { replayDeadLetters } from '../../../sdk/typescript/examples/dlq-replay.js';
import { describeFailure, errorHandling } from '../../../sdk/typescript/examples/error-handling.js';
import { eventFlow } from '../../../sdk/typescript/examples/event-flow.js';
import { keyRotation } from '../../../sdk/typescript/examples/key-rotation.js';
import { signedRequests } from '../../../sdk/typescript/examples/signed-requests.js';
import { webhookReceiver } from '../../../sdk/typescript/examples/webhook-receiver.js';
import { TriggersApiClient } from '../../../sdk/typescript/src/index.js';
import { startReceiver } from '../../support/receiver.js';
import { startTestApi, type TestApi } from '../../support/test-api.js';
import { waitFor } from '../../support/wait-for.js';

let api: TestApi;
const quiet = () => {};
beforeAll(async () => {
  api = await startTestApi({ ANALYTICS_ENABLED: 'false', WEBHOOK_RETRY_SCHEDULE: '50', WEBHOOK_RETRY_JITTER: '0', WEBHOOK_TIMEOUT_MS: '2000' });
});
afterAll(async () => {
  await api?.close();
});

const envOf = async (body: Record<string, unknown> = { name: 'example' }) => {
  const key = await api.createKey(body);
  return { baseUrl: api.url, apiKey: key.api_key, signingSecret: key.signing_secret, keyId: key.key_id, log: quiet };
};

it('basic-usage creates, reads, lists and acknowledges an event', async () => {
  const out = await basicUsage(await envOf());
  expect(out.read).toEqual(out.created);
  expect(out.pending).toEqual([out.created.event_id]);
  expect(out.acked.status).toBe('acknowledged');
});

it('event-flow drains the inbox page by page and a repeated create returns the same event', async () => {
  const out = await eventFlow(await envOf());
  expect(out).toEqual({ sameOnRepeat: true, handled: [1, 2, 3, 4, 5], left: 0, gone: true });
});

it('error-handling maps each failure to its error class', async () => {
  const out = await errorHandling(await envOf());
  expect(out.validation).toMatch(/^fix the request: .*body\.source/);
  expect(out['not found']).toBe('no such resource in this tenant');
  expect(out.conflict).toBe('conflict (idempotency_conflict): use a new idempotency key for a different event');
  expect(out.unauthorized).toBe('check the key (unauthorized)');
  expect(out.network).toMatch(/^no answer/);
  expect(() => describeFailure(new Error('not ours'))).toThrow('not ours');
});

it('signed-requests is accepted by a key that requires signing, which refuses unsigned calls', async () => {
  const out = await signedRequests(await envOf({ name: 'signed', signing_mode: 'required' }));
  expect(out).toMatchObject({ listed: 1, unsignedRefusal: 'signature_missing', handSignedStatus: 201 });
});

it('webhook-receiver verifies the test send and a real delivery with verifyWebhook', async () => {
  const out = await webhookReceiver(await envOf());
  expect(out.testSuccess).toBe(true);
  expect(out.deliveredEventId).toBe(out.eventId);
  expect(out.refused).toEqual([]);
});

it('key-rotation keeps both versions working, then revoking the old one refuses it', async () => {
  const env = await envOf();
  const out = await keyRotation(env);
  expect(out.versions).toEqual([1, 2]);
  expect(out.oldRefused).toBe(true);
  const fresh = new TriggersApiClient({ apiKey: out.newApiKey, baseUrl: api.url });
  await expect(fresh.apiKeys.get(out.newKeyId)).resolves.toMatchObject({ status: 'active', version: 2 });
});

it('dlq-replay replays dead deliveries once the receiver is fixed, and they arrive', async () => {
  const env = await envOf();
  const receiver = await startReceiver();
  try {
    receiver.respond(() => ({ status: 500 }));
    const client = new TriggersApiClient({ apiKey: env.apiKey, baseUrl: api.url });
    const hook = await client.webhooks.create({ url: receiver.url, events: ['*'] });
    const event = await client.events.create({ source: 'dlq', event_type: 'order.created', payload: { order: 1 } });
    await waitFor(async () => (await client.webhooks.dlqPage({ webhook_id: hook.webhook_id })).entries.length === 1, { timeoutMs: 10_000, message: 'dead letter' });
    receiver.respond(() => ({ status: 200 }));
    const out = await replayDeadLetters(env, hook.webhook_id);
    expect(out.replayed).toHaveLength(1);
    expect(out.windowReplayed).toBe(0);
    expect(out.delivered).toBe(1);
    expect(receiver.json<{ data: { event_id: string } }>().at(-1)?.data.event_id).toBe(event.event_id);
  } finally {
    await receiver.close();
  }
});

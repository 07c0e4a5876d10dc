// Every endpoint of docs/API.md through the TypeScript SDK against a real Triggers API, and every
// response's fields compared with the SDK's model, so neither the client nor its types can drift.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ForbiddenError, NotFoundError, TriggersApiClient, type CreatedWebhook } from '../../../sdk/typescript/src/index.js';
import { startReceiver, type Receiver } from '../../support/receiver.js';
import { ADMIN_TOKEN, startTestApi, type TestApi } from '../../support/test-api.js';
import { waitFor } from '../../support/wait-for.js';
import * as F from './model-fields.js';

let api: TestApi;
let receiver: Receiver;
let admin: TriggersApiClient;
let client: TriggersApiClient;
let keyId: string;
beforeAll(async () => {
  api = await startTestApi({ WEBHOOK_RETRY_SCHEDULE: '30', WEBHOOK_RETRY_JITTER: '0', ANALYTICS_FLUSH_MS: '200' });
  receiver = await startReceiver();
  admin = new TriggersApiClient({ apiKey: ADMIN_TOKEN, baseUrl: api.url });
  const created = await admin.apiKeys.create({ name: 'sdk-endpoints', tier: 'business' });
  expect(F.keysOf(created)).toEqual(F.CREATED_API_KEY);
  keyId = created.key_id;
  client = new TriggersApiClient({ apiKey: created.api_key, baseUrl: api.url });
});
afterAll(async () => {
  await api?.close();
  await receiver?.close();
});

it('events: create, get, inbox, ack, delete', async () => {
  const event = await client.events.create({ source: 'endpoints', event_type: 'order.created', payload: { n: 1 } });
  expect(F.keysOf(event)).toEqual(F.EVENT);
  expect(await client.events.get(event.event_id)).toEqual(event);
  const page = await client.events.inboxPage({ source: 'endpoints' });
  expect(page.events).toEqual([event]);
  expect(F.keysOf(page)).toEqual(['events', 'has_more', 'next_cursor']);
  expect((await client.events.ack(event.event_id)).status).toBe('acknowledged');
  await client.events.delete(event.event_id);
  await expect(client.events.get(event.event_id)).rejects.toBeInstanceOf(NotFoundError);
});

it('tells onResponse about each response, a repeated create and a refused call included', async () => {
  const seen: [number, string | null][] = [];
  const onResponse = (res: Response) => seen.push([res.status, res.headers.get('x-request-id')]);
  const input = { source: 'endpoints', event_type: 'order.seen', payload: { n: 2 } };
  const first = await client.events.create(input, { idempotencyKey: 'seen-1', onResponse });
  const again = await client.events.create(input, { idempotencyKey: 'seen-1', onResponse });
  expect(again.event_id).toBe(first.event_id);
  // The repeat is answered with the original response, status included.
  expect(seen.map(([status]) => status)).toEqual([201, 201]);
  expect(seen.every(([, requestId]) => typeof requestId === 'string' && requestId.length > 0)).toBe(true);
  await expect(client.events.get('evt_missing', { onResponse })).rejects.toBeInstanceOf(NotFoundError);
  expect(seen.map(([status]) => status)).toEqual([201, 201, 404]);
});

it('webhooks: CRUD, test, deliveries, metrics, DLQ list and replay, window replay', async () => {
  receiver.respond(() => ({ status: 500 }));
  const hook: CreatedWebhook = await client.webhooks.create({ url: receiver.url, events: ['dlq.*'], description: 'endpoints' });
  expect(F.keysOf(hook)).toEqual(F.CREATED_WEBHOOK);
  const { secret: _secret, ...view } = hook;
  expect(await client.webhooks.get(hook.webhook_id)).toEqual(view);
  const listed = [];
  for await (const w of client.webhooks.list({ is_active: true, limit: 1 })) listed.push(w.webhook_id);
  expect(listed).toEqual([hook.webhook_id]);
  const updated = await client.webhooks.update(hook.webhook_id, { description: 'changed' });
  expect(F.keysOf(updated)).toEqual(F.WEBHOOK);
  expect(updated.description).toBe('changed');
  const test = await client.webhooks.test(hook.webhook_id);
  expect(F.keysOf(test)).toEqual(F.WEBHOOK_TEST);
  expect(test).toMatchObject({ success: false, status_code: 500 });

  const event = await client.events.create({ source: 'endpoints', event_type: 'dlq.one', payload: {} });
  const dead = await waitFor(async () => (await client.webhooks.dlqPage({ webhook_id: hook.webhook_id })).entries[0], { timeoutMs: 10_000, message: 'a dead letter' });
  expect(F.keysOf(dead)).toEqual(F.DLQ_ENTRY);
  expect(dead.event_id).toBe(event.event_id);
  const deliveries = [];
  for await (const d of client.webhooks.deliveries(hook.webhook_id, { status: 'dead' })) deliveries.push(d);
  expect(deliveries).toHaveLength(1);
  expect(F.keysOf(deliveries[0])).toEqual(F.DELIVERY);
  expect(F.keysOf(deliveries[0]!.attempts[0])).toEqual(F.ATTEMPT);
  const metrics = await client.webhooks.metrics(hook.webhook_id, 1);
  expect(F.keysOf(metrics)).toEqual(F.METRICS);
  expect(metrics).toMatchObject({ dead_lettered: 1, period_hours: 1 });

  receiver.respond(() => ({ status: 200 }));
  expect(await client.webhooks.replay(hook.webhook_id, { since: new Date(Date.now() - 60_000), until: new Date() })).toEqual({ webhook_id: hook.webhook_id, replayed: 1 });
  await waitFor(async () => (await client.webhooks.deliveriesPage(hook.webhook_id, { status: 'delivered' })).deliveries.length === 1, { message: 'replayed delivery' });
  await expect(client.webhooks.replayDlq(dead.delivery_id)).rejects.toBeInstanceOf(NotFoundError);
  await client.webhooks.delete(hook.webhook_id);
  await expect(client.webhooks.get(hook.webhook_id)).rejects.toBeInstanceOf(NotFoundError);
});

it('analytics: rows, summary, and the export as a stream', async () => {
  await client.events.create({ source: 'analytics', event_type: 'a.b', payload: {} });
  const row = await waitFor(async () => {
    for await (const r of client.analytics.rows({ metric_type: 'hourly' })) if (r.source_distribution.analytics) return r;
    return undefined;
  }, { timeoutMs: 10_000, message: 'an analytics row' });
  expect(F.keysOf(row)).toEqual(F.ANALYTICS_ROW);
  const summary = await client.analytics.summary({ top: 3 });
  expect(F.keysOf(summary)).toEqual(F.SUMMARY);
  const download = await client.analytics.export({ format: 'csv' });
  expect(download.filename).toMatch(/^analytics-hourly-.*\.csv$/);
  const text = await new Response(download.body).text();
  expect(text.split('\n')[0]).toMatch(/^period_start,period_end,metric_type,event_count/);
});

it('API keys: get, rotate, versions, revoke; audit: list and verify', async () => {
  expect(F.keysOf(await client.apiKeys.get(keyId))).toEqual(F.API_KEY);
  const rotated = await client.apiKeys.rotate(keyId, 0);
  expect(F.keysOf(rotated)).toEqual(F.ROTATED_API_KEY);
  const next = new TriggersApiClient({ apiKey: rotated.api_key, baseUrl: api.url });
  const versions = [];
  for await (const v of next.apiKeys.versions(keyId, { limit: 1 })) versions.push(v.version);
  expect(versions).toEqual([1, 2]);
  expect((await next.apiKeys.revoke(rotated.key_id)).status).toBe('revoked');

  const entries = [];
  for await (const e of admin.audit.list({ action: 'api_key.rotate' })) entries.push(e);
  expect(entries.map((e) => e.target)).toContain(keyId);
  expect(F.keysOf(entries[0])).toEqual(F.AUDIT_ENTRY);
  expect(await admin.audit.verify()).toMatchObject({ valid: true, from: 0 });
});

it('a key without a scope gets ForbiddenError with the server code', async () => {
  const readOnly = await admin.apiKeys.create({ name: 'read-only', scopes: ['events:read'] });
  const err = await new TriggersApiClient({ apiKey: readOnly.api_key, baseUrl: api.url }).webhooks.listPage().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ForbiddenError);
  expect(err).toMatchObject({ status: 403, code: 'insufficient_scope' });
});

// A write that lands but whose answer is lost is sent again by the SDK, and a conditional write's
// resend then fails the condition its own first attempt broke. Each test loses exactly one answer
// (a `partial_failure` in phase `after`, once) on the write that matters, and checks that the resend is
// not taken for another writer's: the call succeeds once, and nothing is left half done.
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ChaosEngine } from '../../chaos/src/index.js';
import { expireKeys } from '../../reference-server/src/workers/key-expiry.js';
import type { Stores } from '../../reference-server/src/store/stores.js';
import { ADMIN_TOKEN, startTestApi, type TestApi } from '../support/test-api.js';
import { seededEngine } from './support/chaos-run.js';

let api: TestApi;
let engine: ChaosEngine;
beforeAll(async () => {
  engine = seededEngine('lost answers');
  api = await startTestApi({ RATE_LIMIT_ENABLED: 'false', WORKER_ENABLED: 'false' }, { chaos: { engine } });
});
afterAll(async () => api?.close());

/** Loses the answer of the next `operation` on `table` (the write itself lands). */
function loseNextAnswer(id: string, table: string, operation: string) {
  engine.upsertRules([
    { id, point: 'dynamodb', match: { table: `${api.config.TABLE_PREFIX}${table}`, operation }, injector: { kind: 'partial_failure', phase: 'after' }, max_count: 1 },
  ]);
}
const injected = (id: string) => engine.log.entries().filter((e) => e.rule === id).length;
const inbox = async (key: string) => (await api.call('GET', '/v1/inbox', { key })).status;

it('rotates a key whose claim landed with its answer lost: the new version works and the old one names it', async () => {
  const v1 = await api.createKey();
  loseNextAnswer('rotate-claim', 'api-keys', 'UpdateItem');
  const rotated = await api.call('POST', `/v1/api-keys/${v1.key_id}/rotate`, { key: v1.api_key, body: { transition_days: 1 } });
  expect(injected('rotate-claim')).toBe(1);
  expect(rotated.status).toBe(201);
  expect(await inbox(rotated.body.api_key)).toBe(200);
  const old = await api.call('GET', `/v1/api-keys/${v1.key_id}`, { key: rotated.body.api_key });
  expect(old.body).toMatchObject({ status: 'rotating', next_version: rotated.body.key_id });
  const versions = await api.call('GET', `/v1/api-keys/${v1.key_id}/versions`, { key: rotated.body.api_key });
  expect((versions.body.versions as { key_id: string }[]).map((v) => v.key_id)).toEqual([v1.key_id, rotated.body.key_id]);
});

it('creates an API key whose put landed with its answer lost, once', async () => {
  loseNextAnswer('key-put', 'api-keys', 'PutItem');
  const created = await api.call('POST', '/v1/api-keys', { key: ADMIN_TOKEN, body: { name: 'lost answer' } });
  expect(injected('key-put')).toBe(1);
  expect(created.status).toBe(201);
  expect(await inbox(created.body.api_key)).toBe(200);
});

it('creates a webhook whose put landed with its answer lost, once', async () => {
  const { api_key: key } = await api.createKey();
  loseNextAnswer('webhook-put', 'webhooks', 'PutItem');
  const created = await api.call('POST', '/v1/webhooks', { key, body: { url: 'http://127.0.0.1:9/hook', events: ['*'] } });
  expect(injected('webhook-put')).toBe(1);
  expect(created.status).toBe(201);
  const listed = await api.call('GET', '/v1/webhooks', { key });
  expect((listed.body.webhooks as { webhook_id: string }[]).map((w) => w.webhook_id)).toEqual([created.body.webhook_id]);
});

it('answers the first request of an idempotency key whose claim landed with its answer lost as the first', async () => {
  const { api_key: key } = await api.createKey();
  loseNextAnswer('idempotency-claim', 'idempotency', 'PutItem');
  const body = { source: 'shop', event_type: 'order.created', payload: { n: 1 } };
  const first = await api.call('POST', '/v1/events', { key, body, headers: { 'idempotency-key': 'lost-answer-1' } });
  expect(injected('idempotency-claim')).toBe(1);
  expect(first.status).toBe(201);
  expect(first.headers.get('idempotent-replayed')).toBeNull();
  const again = await api.call('POST', '/v1/events', { key, body, headers: { 'idempotency-key': 'lost-answer-1' } });
  expect(again.headers.get('idempotent-replayed')).toBe('true');
  expect(again.body.event_id).toBe(first.body.event_id);
});

it('appends an audit entry whose put landed with its answer lost once, and the chain stays whole', async () => {
  loseNextAnswer('audit-put', 'audit', 'PutItem');
  await api.deps.audit.record({ action: 'test.lost_answer', actor: 'test' });
  expect(injected('audit-put')).toBe(1);
  const listed = await api.call('GET', '/v1/audit?action=test.lost_answer', { key: ADMIN_TOKEN });
  expect((listed.body.entries as unknown[]).length).toBe(1);
  expect((await api.call('POST', '/v1/audit/verify', { key: ADMIN_TOKEN, body: {} })).body).toMatchObject({ valid: true });
});

it('audits a key expiry whose mark landed with its answer lost, once', async () => {
  const v1 = await api.createKey();
  expect((await api.call('POST', `/v1/api-keys/${v1.key_id}/rotate`, { key: v1.api_key, body: { transition_days: 1 } })).status).toBe(201);
  loseNextAnswer('expire-mark', 'api-keys', 'UpdateItem');
  // The job as the worker runs it, two days on (the key rotated by the first test expires too).
  const later = { now: () => Date.now() + 2 * 86_400_000 };
  const keys = (api.deps.stores as unknown as Stores).apiKeys;
  const marked = await expireKeys({ keys, audit: api.deps.audit, clock: later, ids: api.deps.ids });
  expect(injected('expire-mark')).toBe(1);
  expect(await expireKeys({ keys, audit: api.deps.audit, clock: later, ids: api.deps.ids })).toBe(0);
  // Every key now expired was reported and audited exactly once, the one whose answer was lost too.
  const { Items } = await api.dynamo.doc.send(new ScanCommand({ TableName: `${api.config.TABLE_PREFIX}api-keys`, FilterExpression: '#s = :e', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':e': 'expired' } }));
  const expired = (Items ?? []).map((k) => k.key_id as string).sort();
  expect(expired).toContain(v1.key_id);
  expect(marked).toBe(expired.length);
  const audited = await api.call('GET', '/v1/audit?action=api_key.expire', { key: ADMIN_TOKEN });
  expect((audited.body.entries as { target: string }[]).map((e) => e.target).sort()).toEqual(expired);
});

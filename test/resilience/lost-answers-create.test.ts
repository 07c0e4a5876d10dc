// An event's group commit lands, its answer is lost, and the SDK's resend would come 1.5 s later. The
// event is in the inbox meanwhile, and a consumer acknowledges it. A copy of the write landing after
// that would put the event back as pending, in the inbox, to be processed again. So the commit is not
// sent again blind: what landed is read back, and only what is missing is written. The background
// completer, which takes over what a failed commit may have left (and a journal after a crash), reads
// back the same way before each of its calls.
import { marshall } from '@aws-sdk/util-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ChaosEngine } from '../../chaos/src/index.js';
import type { Stores } from '../../reference-server/src/store/stores.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { waitFor } from '../support/wait-for.js';
import { afterHeld, seededEngine } from './support/chaos-run.js';

const HOLD_MS = 1_500;

let api: TestApi;
let engine: ChaosEngine;
beforeAll(async () => {
  engine = seededEngine('lost answer of a group commit');
  api = await startTestApi({ RATE_LIMIT_ENABLED: 'false' }, { chaos: { engine } });
});
afterAll(async () => api?.close());

/** The ids of the caller's inbox (its first page). */
const inbox = async (key: string) => ((await api.call('GET', '/v1/inbox?limit=10', { key })).body as { events: { event_id: string }[] }).events.map((e) => e.event_id);

/** The first event to show in the caller's inbox, once one does. */
async function firstInInbox(key: string): Promise<string> {
  const [id] = await waitFor(async () => {
    const ids = await inbox(key);
    return ids.length > 0 ? ids : undefined;
  }, { message: 'the event in the inbox' });
  return id!;
}

it('keeps an event acknowledged when the write that created it lost its answer', { timeout: 30_000 }, async () => {
  const { api_key: key } = await api.createKey();
  const match = { table: `${api.config.TABLE_PREFIX}events`, operation: 'BatchWriteItem' };
  engine.upsertRules([
    { id: 'lose-commit-answer', point: 'dynamodb', match, injector: { kind: 'partial_failure', phase: 'after' }, max_count: 1 },
    { id: 'hold-commit-resend', point: 'dynamodb', match, injector: { kind: 'latency', ms: HOLD_MS }, max_count: 1 },
  ]);
  const posted = api.call('POST', '/v1/events', { key, body: { source: 'shop', event_type: 'order.created', payload: {} } });
  // The event landed: a consumer finds it in the inbox and acknowledges it, before the create answers.
  const id = await firstInInbox(key);
  expect((await api.call('POST', `/v1/events/${id}/ack`, { key })).status).toBe(200);
  const created = await posted;
  expect(created.status).toBe(201);
  expect(created.body.event_id).toBe(id);
  expect(engine.log.entries().filter((e) => e.rule === 'lose-commit-answer')).toHaveLength(1);
  await afterHeld(engine, (rule) => rule === 'hold-commit-resend', HOLD_MS, 500);
  expect((await api.call('GET', `/v1/events/${id}`, { key })).body).toMatchObject({ status: 'acknowledged' });
  expect(await inbox(key)).toEqual([]);
});

it('keeps an event acknowledged when the completer takes over a write of it that had landed', async () => {
  const { api_key: key, tenant_id: tenant } = await api.createKey();
  const created = await api.call('POST', '/v1/events', { key, body: { source: 'shop', event_type: 'order.created', payload: {} } });
  expect(created.status).toBe(201);
  const id = created.body.event_id as string;
  const stores = api.deps.stores as unknown as Stores;
  const stored = await stores.events.get(tenant, id);
  expect((await api.call('POST', `/v1/events/${id}/ack`, { key })).status).toBe(200);
  // The create's item as its commit wrote it, handed to the completer as a failed round would be.
  const table = `${api.config.TABLE_PREFIX}events`;
  await stores.events.completer.add({ [table]: [{ PutRequest: { Item: marshall({ ...stored, inbox_tenant: stored!.tenant_id }, { removeUndefinedValues: true }) } }] });
  expect(await stores.events.completer.settle(10_000)).toBe(true);
  expect((await api.call('GET', `/v1/events/${id}`, { key })).body).toMatchObject({ status: 'acknowledged' });
});

it('sends the commit as before when the read back of a lost answer fails too', async () => {
  const { api_key: key } = await api.createKey();
  const events = `${api.config.TABLE_PREFIX}events`;
  engine.upsertRules([
    { id: 'lose-answer-again', point: 'dynamodb', match: { table: events, operation: 'BatchWriteItem' }, injector: { kind: 'partial_failure', phase: 'after' }, max_count: 1 },
    // Every attempt of the read back fails (the client makes five).
    { id: 'fail-read-back', point: 'dynamodb', match: { table: events, operation: 'BatchGetItem' }, injector: { kind: 'dynamodb_error', error: 'InternalServerError' }, max_count: 5 },
  ]);
  const created = await api.call('POST', '/v1/events', { key, body: { source: 'shop', event_type: 'order.created', payload: {} } });
  expect(engine.log.entries().filter((e) => e.rule === 'fail-read-back')).toHaveLength(5);
  expect(created.status).toBe(201);
  expect((await api.call('GET', `/v1/events/${created.body.event_id as string}`, { key })).status).toBe(200);
});

it('keeps an event deleted when the write that created it lost its answer and its read back came after the delete', { timeout: 30_000 }, async () => {
  const { api_key: key } = await api.createKey();
  const events = `${api.config.TABLE_PREFIX}events`;
  engine.upsertRules([
    { id: 'lose-commit-answer-del', point: 'dynamodb', match: { table: events, operation: 'BatchWriteItem' }, injector: { kind: 'partial_failure', phase: 'after' }, max_count: 1 },
    // The read back of what landed waits until the consumer has deleted the event.
    { id: 'hold-read-back-del', point: 'dynamodb', match: { table: events, operation: 'BatchGetItem' }, injector: { kind: 'latency', ms: HOLD_MS }, max_count: 1 },
  ]);
  const posted = api.call('POST', '/v1/events', { key, body: { source: 'shop', event_type: 'order.created', payload: {} } });
  const id = await firstInInbox(key);
  expect((await api.call('DELETE', `/v1/events/${id}`, { key })).status).toBe(204);
  const created = await posted;
  expect(created.status).toBe(201);
  expect(created.body.event_id).toBe(id);
  expect(engine.log.entries().filter((e) => e.rule === 'hold-read-back-del')).toHaveLength(1);
  // Deleted before the read back: a rewrite would bring it back, pending and in the inbox.
  expect((await api.call('GET', `/v1/events/${id}`, { key })).status).toBe(404);
  expect(await inbox(key)).toEqual([]);
  expect((await api.call('DELETE', `/v1/events/${id}`, { key })).status).toBe(404);
});

it('keeps an event deleted when the completer takes over a write of it that had landed', async () => {
  const { api_key: key, tenant_id: tenant } = await api.createKey();
  const created = await api.call('POST', '/v1/events', { key, body: { source: 'shop', event_type: 'order.created', payload: {} } });
  const id = created.body.event_id as string;
  const stores = api.deps.stores as unknown as Stores;
  const stored = await stores.events.get(tenant, id);
  expect((await api.call('DELETE', `/v1/events/${id}`, { key })).status).toBe(204);
  const table = `${api.config.TABLE_PREFIX}events`;
  await stores.events.completer.add({ [table]: [{ PutRequest: { Item: marshall({ ...stored, inbox_tenant: stored!.tenant_id }, { removeUndefinedValues: true }) } }] });
  expect(await stores.events.completer.settle(10_000)).toBe(true);
  expect((await api.call('GET', `/v1/events/${id}`, { key })).status).toBe(404);
});

it('answers 204 to a delete whose answer was lost and whose resend found its own tombstone', async () => {
  const { api_key: key } = await api.createKey();
  const created = await api.call('POST', '/v1/events', { key, body: { source: 'shop', event_type: 'order.created', payload: {} } });
  const id = created.body.event_id as string;
  engine.upsertRules([
    { id: 'lose-delete-answer', point: 'dynamodb', match: { table: `${api.config.TABLE_PREFIX}events`, operation: 'PutItem' }, injector: { kind: 'partial_failure', phase: 'after' }, max_count: 1 },
  ]);
  expect((await api.call('DELETE', `/v1/events/${id}`, { key })).status).toBe(204);
  expect(engine.log.entries().filter((e) => e.rule === 'lose-delete-answer')).toHaveLength(1);
  expect((await api.call('GET', `/v1/events/${id}`, { key })).status).toBe(404);
  expect((await api.call('DELETE', `/v1/events/${id}`, { key })).status).toBe(404);
});

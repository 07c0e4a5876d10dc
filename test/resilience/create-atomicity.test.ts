// An idempotent create is all or nothing for readers: its event becomes readable only once its outbox
// rows are durable, so a create that fails half-way (answered 5xx) never leaves a readable event that
// nothing delivers or counts. Once the rows landed the event is accepted: fan-out reveals it even if
// the request never did; a retry with the same key completes the work either way, delivering once.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BatchWriteItemCommandInput, BatchWriteItemCommandOutput, WriteRequest } from '@aws-sdk/client-dynamodb';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { InitializeMiddleware, MetadataBearer } from '@smithy/types';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { ChaosEngine } from '../../chaos/src/index.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { UnfinishedJournal } from '../../reference-server/src/store/unfinished-journal.js';
import { sameStore, startTestApi, type TestApi } from '../support/test-api.js';
import { waitFor } from '../support/wait-for.js';
import { seededEngine } from './support/chaos-run.js';

let api: TestApi;
let receiver: Receiver;
let engine: ChaosEngine;
let key: string;
let journalDir: string;
/** The server's journal of part-written batches (DATA_DIR/unfinished-writes.json under `npm start`). */
let journalPath: string;

beforeAll(async () => {
  engine = seededEngine('create atomicity');
  journalDir = await mkdtemp(join(tmpdir(), 'aftershock-atomicity-'));
  journalPath = join(journalDir, 'unfinished-writes.json');
  api = await startTestApi({ RATE_LIMIT_ENABLED: 'false', DYNAMODB_MAX_ATTEMPTS: '2', WORKER_POLL_MS: '50', WEBHOOK_CACHE_MS: '0' }, { chaos: { engine }, unfinishedWritesPath: journalPath });
  receiver = await startReceiver();
  key = (await api.createKey()).api_key;
  expect((await api.call('POST', '/v1/webhooks', { key, body: { url: receiver.url, events: ['*'] } })).status).toBe(201);
});
afterAll(async () => {
  await api?.close();
  await receiver?.close();
  await rm(journalDir, { recursive: true, force: true });
});

const table = (name: string) => `${api.config.TABLE_PREFIX}${name}`;
const create = (idempotencyKey?: string, tag = 'atomic') =>
  api.call('POST', '/v1/events', { key, body: { source: 'test', event_type: 'order.created', payload: { tag } }, headers: idempotencyKey ? { 'idempotency-key': idempotencyKey } : {} });
const deliveredTags = () => receiver.json<{ data: { payload: { tag: string } } }>().map((b) => b.data.payload.tag);
const readable = async (id: string) => (await api.call('GET', `/v1/events/${id}`, { key })).status === 200;
const inInbox = async (id: string) => ((await api.call('GET', '/v1/inbox?limit=100', { key })).body as { events: { event_id: string }[] }).events.some((e) => e.event_id === id);

/** The one hidden event item whose payload carries `tag` (written, not yet revealed). */
async function hiddenEvent(tag: string): Promise<string | undefined> {
  const { Items } = await api.dynamo.doc.send(new ScanCommand({ TableName: table('events') }));
  return Items?.find((i) => i.outbox_pending === true && (JSON.parse(String(i.payload_json)) as { tag?: string }).tag === tag)?.event_id as string | undefined;
}

/** Rows still in the outbox, for fan-out and analytics alike (not the records of consumed rows beside them). */
const outboxRows = async () =>
  (
    await api.dynamo.doc.send(
      new ScanCommand({ TableName: table('event-outbox'), Select: 'COUNT', FilterExpression: 'consumer IN (:f, :a)', ExpressionAttributeValues: { ':f': 'fanout', ':a': 'analytics' } }),
    )
  ).Count ?? 0;

/** Once fan-out and analytics are done with every outbox row (nothing left to count), the count is `total`. */
async function settledCount(total: number, message: string): Promise<void> {
  await waitFor(async () => (await outboxRows()) === 0, { message: `${message}: every outbox row consumed` });
  expect(await totalEvents(), message).toBe(total);
}

const totalEvents = async () => ((await api.call('GET', '/v1/analytics/summary', { key })).body as { total_events: number }).total_events;

/** The fan-out row of the event tagged `tag` (its payload sits in the row's event JSON). */
const fanoutRowOf = (tag: string) => (w: WriteRequest) =>
  w.PutRequest?.Item?.consumer?.S === 'fanout' && (w.PutRequest.Item.event_json?.S ?? '').includes(`\\"tag\\":\\"${tag}\\"`);
/** An analytics row holding a fact of `eventType` (facts carry no payload). */
const factRowOf = (eventType: string) => (w: WriteRequest) =>
  w.PutRequest?.Item?.consumer?.S === 'analytics' && (w.PutRequest.Item.fact_json?.S ?? w.PutRequest.Item.facts_json?.S ?? '').includes(`"event_type":"${eventType}"`);

/**
 * Middleware losing every write of the rows `isTheRow` picks: beside other items they come back
 * unprocessed (the others land), alone the call fails, as DynamoDB under a partial failure does.
 */
function loseRows(isTheRow: (w: WriteRequest) => boolean): InitializeMiddleware<object, MetadataBearer> {
  return (next, context) => async (args) => {
    if (context.commandName !== 'BatchWriteItemCommand') return next(args);
    const input = args.input as BatchWriteItemCommandInput;
    const requests = Object.entries(input.RequestItems ?? {});
    const lost = requests.flatMap(([table, writes]) => writes.filter(isTheRow).map((w) => [table, w] as const));
    if (lost.length === 0) return next(args);
    const kept = Object.fromEntries(requests.map(([table, writes]) => [table, writes.filter((w) => !isTheRow(w))] as const).filter(([, writes]) => writes.length > 0));
    if (Object.keys(kept).length === 0) throw Object.assign(new Error('injected: the row was lost'), { name: 'InternalServerError', $fault: 'server' });
    const result = await next({ ...args, input: { ...input, RequestItems: kept } });
    const output = result.output as BatchWriteItemCommandOutput;
    const unprocessed: Record<string, WriteRequest[]> = { ...(output.UnprocessedItems ?? {}) };
    for (const [table, w] of lost) unprocessed[table] = [...(unprocessed[table] ?? []), w];
    return { ...result, output: { ...output, UnprocessedItems: unprocessed } };
  };
}

/** Drains (below), waits until analytics counted every readable event, and returns that count. */
async function countedAfter(tag: string): Promise<number> {
  await drain(tag);
  await waitFor(async () => (await totalEvents()) === (await api.call('GET', '/v1/inbox?limit=100', { key })).body.events.length, { message: 'analytics caught up' });
  return totalEvents();
}

/** Waits until analytics counted `total` events, and fails if it counted more. */
async function countedExactly(total: number, message: string): Promise<void> {
  await waitFor(async () => (await totalEvents()) >= total, { message });
  expect(await totalEvents()).toBe(total);
}

/** Creates an event without a key and waits for its delivery: everything queued before it had its turn. */
async function drain(tag: string): Promise<void> {
  expect((await create(undefined, tag)).status).toBe(201);
  await waitFor(() => deliveredTags().includes(tag), { message: `delivery of ${tag}` });
}

describe('an idempotent create that fails half-way', () => {
  it('fan-out row lost beside its fact: the event is neither readable nor counted, until a retry completes it, counted once', async () => {
    const before = await countedAfter('before-fanout-lost');
    api.dynamo.client.middlewareStack.add(loseRows(fanoutRowOf('fanout-lost')), { step: 'initialize', name: 'loseRows' });
    const failed = await create('fanout-lost', 'fanout-lost');
    api.dynamo.client.middlewareStack.remove('loseRows');
    expect(failed.status).toBe(503);
    const id = await hiddenEvent('fanout-lost');
    expect(id, 'the event item was written, hidden').toBeDefined();

    // Facts are counted oldest first: once the later event is counted, the earlier one would have been.
    await drain('after-fanout-lost');
    await countedExactly(before + 1, 'the later event counted');
    expect(await readable(id!)).toBe(false);

    const retry = await create('fanout-lost', 'fanout-lost');
    expect(retry.status).toBe(201);
    expect((retry.body as { event_id: string }).event_id).toBe(id);
    await drain('after-fanout-retry');
    await settledCount(before + 3, 'the retried and the last event counted');
    expect(deliveredTags().filter((t) => t === 'fanout-lost')).toHaveLength(1);
  });

  it('fact lost after the fan-out row landed: fan-out reveals the event and writes its fact, counted once, a retry too', async () => {
    const before = await countedAfter('before-fact-lost');
    api.dynamo.client.middlewareStack.add(loseRows(factRowOf('fact.lost')), { step: 'initialize', name: 'loseRows' });
    const body = { source: 'test', event_type: 'fact.lost', payload: { tag: 'fact-lost' } };
    const failed = await api.call('POST', '/v1/events', { key, body, headers: { 'idempotency-key': 'fact-lost' } });
    api.dynamo.client.middlewareStack.remove('loseRows');
    expect(failed.status).toBe(503);

    // Accepted at its fan-out row: fan-out finds it hidden, writes its fact and reveals it.
    await waitFor(() => deliveredTags().includes('fact-lost'), { message: 'delivery once fan-out revealed the event' });
    await drain('after-fact-lost');
    await countedExactly(before + 2, 'the event and the later one counted');

    const retry = await api.call('POST', '/v1/events', { key, body, headers: { 'idempotency-key': 'fact-lost' } });
    expect(retry.status).toBe(201);
    await drain('after-fact-retry');
    await settledCount(before + 3, 'the last event counted');
    expect(deliveredTags().filter((t) => t === 'fact-lost')).toHaveLength(1);
  });

  it('outbox rows lost: the event stays unreadable and undelivered until a retry completes it, delivered once', async () => {
    engine.upsertRules([{ id: 'rows', point: 'dynamodb', match: { table: table('event-outbox'), operation: 'BatchWriteItem' }, injector: { kind: 'dynamodb_error', error: 'InternalServerError' }, probability: 1 }]);
    expect((await create('rows-lost', 'rows-lost')).status).toBe(503);
    engine.removeRule('rows');
    const id = await hiddenEvent('rows-lost');
    expect(id, 'the event item was written, hidden').toBeDefined();

    await drain('after-rows-lost');
    expect(await readable(id!)).toBe(false);
    expect(await inInbox(id!)).toBe(false);
    expect(deliveredTags()).not.toContain('rows-lost');

    const retry = await create('rows-lost', 'rows-lost');
    expect(retry.status).toBe(201);
    expect((retry.body as { event_id: string }).event_id).toBe(id);
    await waitFor(() => deliveredTags().includes('rows-lost'), { message: 'delivery after the retry' });
    expect(await readable(id!)).toBe(true);
    await drain('after-rows-retry');
    expect(deliveredTags().filter((t) => t === 'rows-lost')).toHaveLength(1);
  });

  it('reveal lost: fan-out reveals the accepted event and delivers it once; a retry answers the same event', async () => {
    engine.upsertRules([{ id: 'reveal', point: 'dynamodb', match: { table: table('events'), operation: 'UpdateItem' }, injector: { kind: 'dynamodb_error', error: 'InternalServerError' }, probability: 1 }]);
    expect((await create('reveal-lost', 'reveal-lost')).status).toBe(503);
    const id = await hiddenEvent('reveal-lost');
    expect(id, 'the event item was written, hidden').toBeDefined();
    // Fan-out meets the hidden event too and cannot reveal it while the fault lasts: nothing is sent.
    await waitFor(() => engine.log.entries().filter((e) => e.rule === 'reveal').length >= 4, { message: 'fan-out tried to reveal' });
    expect(await readable(id!)).toBe(false);
    expect(deliveredTags()).not.toContain('reveal-lost');

    engine.removeRule('reveal');
    await waitFor(() => deliveredTags().includes('reveal-lost'), { message: 'delivery once fan-out revealed the event' });
    expect(await readable(id!)).toBe(true);
    expect(await inInbox(id!)).toBe(true);

    const retry = await create('reveal-lost', 'reveal-lost');
    expect(retry.status).toBe(201);
    expect((retry.body as { event_id: string }).event_id).toBe(id);
    await drain('after-reveal-retry');
    expect(deliveredTags().filter((t) => t === 'reveal-lost')).toHaveLength(1);
  });
});

/** The shared fan-out row of a group commit holding the event tagged `tag`. */
const sharedFanoutRowOf = (tag: string) => (w: WriteRequest) =>
  w.PutRequest?.Item?.consumer?.S === 'fanout' && (w.PutRequest.Item.events_json?.S ?? '').includes(`\\"tag\\":\\"${tag}\\"`);
/** The shared facts row of a group commit holding a fact of `eventType`. */
const sharedFactsRowOf = (eventType: string) => (w: WriteRequest) =>
  w.PutRequest?.Item?.consumer?.S === 'analytics' && (w.PutRequest.Item.facts_json?.S ?? '').includes(`"event_type":"${eventType}"`);
/** The event item tagged `tag`, if it is in the table at all (hidden or not). */
async function storedEvent(tag: string): Promise<Record<string, unknown> | undefined> {
  const { Items } = await api.dynamo.doc.send(new ScanCommand({ TableName: table('events') }));
  return Items?.find((i) => (JSON.parse(String(i.payload_json)) as { tag?: string }).tag === tag);
}

describe('a create without a key whose group commit lands in part', () => {
  it('fan-out row handed back in every round: answered 503, then finished in the background, delivered and counted once', async () => {
    const before = await countedAfter('before-keyless-fanout');
    api.dynamo.client.middlewareStack.add(loseRows(sharedFanoutRowOf('keyless-fanout')), { step: 'initialize', name: 'loseKeyless' });
    onTestFinished(() => void api.dynamo.client.middlewareStack.remove('loseKeyless'));
    expect((await create(undefined, 'keyless-fanout')).status).toBe(503);
    // The event and its fact landed beside the lost row: readable, but nothing can deliver it yet.
    const id = (await storedEvent('keyless-fanout'))?.event_id as string | undefined;
    expect(id, 'the event item landed').toBeDefined();
    expect(await readable(id!)).toBe(true);
    expect(api.deps.stores.events.completer.pending).toBe(1);
    expect((await api.call('GET', '/metrics')).text).toMatch(/^event_writes_unfinished 1$/m);
    await drain('during-keyless-fanout');
    expect(deliveredTags()).not.toContain('keyless-fanout');

    api.dynamo.client.middlewareStack.remove('loseKeyless');
    await waitFor(() => deliveredTags().includes('keyless-fanout'), { message: 'delivery once the rest of the batch landed' });
    expect(api.deps.stores.events.completer.pending).toBe(0);
    expect((await api.call('GET', '/metrics')).text).toMatch(/^event_writes_unfinished 0$/m);
    await drain('after-keyless-fanout');
    await settledCount(before + 3, 'the three events counted');
    expect(deliveredTags().filter((t) => t === 'keyless-fanout')).toHaveLength(1);
  });

  it('facts row handed back in every round: answered 503, delivered, and counted once the rest landed', async () => {
    const before = await countedAfter('before-keyless-fact');
    api.dynamo.client.middlewareStack.add(loseRows(sharedFactsRowOf('keyless.fact')), { step: 'initialize', name: 'loseKeyless' });
    onTestFinished(() => void api.dynamo.client.middlewareStack.remove('loseKeyless'));
    const body = { source: 'test', event_type: 'keyless.fact', payload: { tag: 'keyless-fact' } };
    expect((await api.call('POST', '/v1/events', { key, body })).status).toBe(503);
    await waitFor(() => deliveredTags().includes('keyless-fact'), { message: 'delivery from the fan-out row that landed' });
    await drain('during-keyless-fact');
    await countedExactly(before + 1, 'the later event counted');

    api.dynamo.client.middlewareStack.remove('loseKeyless');
    await countedExactly(before + 2, 'the event counted once its fact landed');
    await drain('after-keyless-fact');
    await settledCount(before + 3, 'the last event counted');
    expect(api.deps.stores.events.completer.pending).toBe(0);
  });

  it('nothing landed: answered 503, and the event never appears', async () => {
    engine.upsertRules([{ id: 'batch', point: 'dynamodb', match: { table: table('events'), operation: 'BatchWriteItem' }, injector: { kind: 'dynamodb_error', error: 'ThrottlingException' }, probability: 1 }]);
    expect((await create(undefined, 'keyless-none')).status).toBe(503);
    engine.removeRule('batch');
    expect(api.deps.stores.events.completer.pending).toBe(0);
    await drain('after-keyless-none');
    expect(await storedEvent('keyless-none')).toBeUndefined();
    expect(deliveredTags()).not.toContain('keyless-none');
  });
});

// Last in the file: it stops the server's completer for good.
describe('a create without a key, and a server that stops before the rest of its batch landed', () => {
  /** Creates an event without a key while its shared fan-out and facts rows are lost (until the test ends): a 503. */
  async function keylessLosingRows(tag: string, eventType: string): Promise<void> {
    const lost = (w: WriteRequest) => sharedFanoutRowOf(tag)(w) || sharedFactsRowOf(eventType)(w);
    api.dynamo.client.middlewareStack.add(loseRows(lost), { step: 'initialize', name: 'loseKeyless' });
    onTestFinished(() => void api.dynamo.client.middlewareStack.remove('loseKeyless'));
    const body = { source: 'test', event_type: eventType, payload: { tag } };
    expect((await api.call('POST', '/v1/events', { key, body })).status).toBe(503);
  }

  /** The next server: on the same store, started on the journal at `path` (its workers off: the first server's deliver). */
  async function nextServer(path: string): Promise<void> {
    const next = await startTestApi({ ...sameStore(api), RATE_LIMIT_ENABLED: 'false', WORKER_ENABLED: 'false' }, { unfinishedWritesPath: path });
    onTestFinished(() => next.close());
  }

  it('writes that landed just before a crash, before the journal said so, are written again at the next start: delivered and counted once', async () => {
    const before = await countedAfter('before-keyless-repeat');
    await keylessLosingRows('keyless-repeat', 'keyless.repeat');
    const journaled = await new UnfinishedJournal(journalPath).load();
    expect(journaled).toHaveLength(2);
    api.dynamo.client.middlewareStack.remove('loseKeyless');
    await waitFor(() => deliveredTags().includes('keyless-repeat'), { message: 'delivery once the rest landed' });
    await waitFor(() => !existsSync(journalPath), { message: 'the journal removed once nothing is left' });
    await settledCount(before + 1, 'the event counted once its rows landed');

    // As if the server had crashed after those rows landed but before its journal said so.
    const replayPath = join(journalDir, 'replayed.json');
    await new UnfinishedJournal(replayPath, () => journaled).persist();
    await nextServer(replayPath);
    await waitFor(() => !existsSync(replayPath), { message: 'the rows written again' });
    await drain('after-keyless-repeat');
    await settledCount(before + 2, 'the event still counted once, and the later one');
    expect(deliveredTags().filter((t) => t === 'keyless-repeat')).toHaveLength(1);
  });

  it('the rest is on disk before the 503, and a server started on that journal finishes it: delivered and counted once', async () => {
    const before = await countedAfter('before-keyless-restart');
    await keylessLosingRows('keyless-restart', 'keyless.restart');
    // Both rows were in the journal before the answer; the event item landed without them.
    const journaled = (await new UnfinishedJournal(journalPath).load()).map((w) => w.write.PutRequest?.Item?.consumer?.S).sort();
    expect(journaled).toEqual(['analytics', 'fanout']);
    expect(await storedEvent('keyless-restart')).toBeDefined();

    // The server dies as far as these rows go: its completer does nothing more, and its client keeps
    // losing them. The next server on the same store and the same journal finishes them.
    api.deps.stores.events.completer.stop();
    await nextServer(journalPath);
    await waitFor(() => deliveredTags().includes('keyless-restart'), { message: 'delivery once the next server finished the batch' });
    await waitFor(() => !existsSync(journalPath), { message: 'the journal removed once nothing is left' });
    await drain('after-keyless-restart');
    await settledCount(before + 2, 'the event counted once, and the later one');
    expect(deliveredTags().filter((t) => t === 'keyless-restart')).toHaveLength(1);
  });
});

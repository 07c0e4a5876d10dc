// The DynamoDB fault point against real dynalite through the real AWS SDK v3 client: injected errors
// are retried by the SDK's own strategy, partial batches return UnprocessedItems, latency and timeouts
// behave as configured.
import {
  BatchWriteItemCommand,
  GetItemCommand,
  PutItemCommand,
  ScanCommand,
  type DynamoDBClient,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addChaosMiddleware, dynamoDbAttributes } from '../../../chaos/src/points/dynamodb-point.js';
import { compileMatch } from '../../../chaos/src/rules/match-pattern.js';
import { ChaosEngine } from '../../../chaos/src/rules/chaos-engine.js';
import type { RuleInput } from '../../../chaos/src/rules/rule-schema.js';
import type { Clock } from '../../../chaos/src/clock.js';
import { manualClock } from '../support/manual-clock.js';
import { rejection } from '../support/rejection.js';
import { startLocalDynamo, type LocalDynamo } from '../support/local-dynamo.js';

let dynamo: LocalDynamo;
let tableSeq = 0;

beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => {
  await dynamo.close();
});

async function setup(rules: RuleInput[], maxAttempts = 3, clock?: Clock): Promise<{ client: DynamoDBClient; engine: ChaosEngine; table: string }> {
  const table = `chaos-${++tableSeq}`;
  await dynamo.createTable(table);
  const engine = new ChaosEngine({ enabled: true, seed: 7, clock, rules: rules.map((r) => ({ ...r, match: { table, ...(r.match ?? {}) } })) });
  const client = dynamo.client({ maxAttempts });
  addChaosMiddleware(client, engine);
  return { client, engine, table };
}

const put = (table: string, pk: string) => new PutItemCommand({ TableName: table, Item: { pk: { S: pk } } });

it('lets the SDK retry injected throttles, so a call throttled on two attempts still succeeds on the third', async () => {
  const { client, engine, table } = await setup([
    { id: 'throttle', point: 'dynamodb', injector: { kind: 'dynamodb_error', error: 'ThrottlingException' }, max_count: 2 },
  ]);
  const out = await client.send(put(table, 'a'));
  expect(out.$metadata.attempts).toBe(3);
  expect(engine.log.entries().map((e) => e.kind)).toEqual(['dynamodb_error', 'dynamodb_error']);
  const got = await client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'a' } } }));
  expect(got.Item?.pk?.S).toBe('a');
});

it('surfaces a throttle only after maxAttempts, with one injection per attempt', async () => {
  const { client, engine, table } = await setup([
    { id: 'throttle', point: 'dynamodb', injector: { kind: 'dynamodb_error', error: 'ProvisionedThroughputExceededException' } },
  ]);
  const error = await rejection(client.send(put(table, 'b')));
  expect(error.name).toBe('ProvisionedThroughputExceededException');
  expect(error.$fault).toBe('client');
  expect(error.$metadata.attempts).toBe(3);
  expect(engine.log.entries()).toHaveLength(3);
  const scan = await dynamo.client().send(new ScanCommand({ TableName: table }));
  expect(scan.Count).toBe(0);
});

it('retries InternalServerError and ServiceUnavailable as transient server faults', async () => {
  for (const name of ['InternalServerError', 'ServiceUnavailable'] as const) {
    const { client, engine, table } = await setup([{ id: name, point: 'dynamodb', injector: { kind: 'dynamodb_error', error: name } }], 2);
    const error = await rejection(client.send(put(table, 'c')));
    expect(error.name).toBe(name);
    expect(error.$fault).toBe('server');
    expect(error.$metadata.attempts).toBe(2);
    expect(engine.log.entries()).toHaveLength(2);
  }
});

it('matches by operation, leaving other operations alone', async () => {
  const { client, engine, table } = await setup([
    { id: 'gets-only', point: 'dynamodb', match: { operation: 'GetItem' }, injector: { kind: 'dynamodb_error', error: 'InternalServerError' } },
  ], 1);
  await client.send(put(table, 'd'));
  await expect(client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'd' } } }))).rejects.toMatchObject({ name: 'InternalServerError' });
  expect(engine.log.entries().map((e) => e.rule)).toEqual(['gets-only']);
});

it('returns part of a BatchWriteItem as UnprocessedItems without writing those items', async () => {
  const { client, table } = await setup([{ id: 'half', point: 'dynamodb', injector: { kind: 'partial_batch', fraction: 0.4 } }]);
  const requests: WriteRequest[] = Array.from({ length: 10 }, (_, i) => ({ PutRequest: { Item: { pk: { S: `item-${i}` } } } }));
  const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
  const unprocessed = out.UnprocessedItems?.[table] ?? [];
  expect(unprocessed).toHaveLength(4);
  const scan = await client.send(new ScanCommand({ TableName: table }));
  const written = new Set((scan.Items ?? []).map((i) => i.pk?.S));
  expect(written.size).toBe(6);
  for (const request of unprocessed) expect(written.has(request.PutRequest?.Item?.pk?.S)).toBe(false);
});

it('splits a document client batch in its native form', async () => {
  const { client, table } = await setup([{ id: 'all', point: 'dynamodb', injector: { kind: 'partial_batch', fraction: 1 } }]);
  const doc = DynamoDBDocumentClient.from(client);
  const out = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: [{ PutRequest: { Item: { pk: 'x', n: 1 } } }] } }));
  expect(out.UnprocessedItems?.[table]).toEqual([{ PutRequest: { Item: { pk: 'x', n: 1 } } }]);
  expect((await client.send(new ScanCommand({ TableName: table }))).Count).toBe(0);
});

it('delays a call by the configured fixed latency', async () => {
  const { client, table } = await setup([{ id: 'slow', point: 'dynamodb', match: { operation: 'PutItem' }, injector: { kind: 'latency', ms: 150 } }]);
  const started = performance.now();
  await client.send(put(table, 'e'));
  expect(performance.now() - started).toBeGreaterThanOrEqual(145);
});

it('draws range latencies inside the range and records each in the log', async () => {
  const { client, engine, table } = await setup([
    { id: 'range', point: 'dynamodb', match: { operation: 'PutItem' }, injector: { kind: 'latency', min_ms: 20, max_ms: 60 } },
  ]);
  for (let i = 0; i < 5; i++) await client.send(put(table, `r${i}`));
  const delays = engine.log.entries().map((e) => e.detail.delay_ms ?? -1);
  expect(delays).toHaveLength(5);
  for (const d of delays) expect(d).toBeGreaterThanOrEqual(20);
  for (const d of delays) expect(d).toBeLessThanOrEqual(60);
});

it('hangs a timed-out call until the caller aborts it', async () => {
  const { client, table } = await setup([{ id: 'stuck', point: 'dynamodb', injector: { kind: 'timeout', ms: 20_000 } }]);
  const started = performance.now();
  const error = await rejection(client.send(put(table, 'f'), { abortSignal: AbortSignal.timeout(200) }));
  const elapsed = performance.now() - started;
  expect(error.name).toMatch(/AbortError|TimeoutError/);
  expect(elapsed).toBeGreaterThanOrEqual(180);
  expect(elapsed).toBeLessThan(5_000);
});

it('fails a call after its write when the partial failure phase is after', async () => {
  const { client, table } = await setup(
    [{ id: 'lost-answer', point: 'dynamodb', max_count: 1, injector: { kind: 'partial_failure', phase: 'after', error: 'InternalServerError' } }],
    1,
  );
  await expect(client.send(put(table, 'g'))).rejects.toMatchObject({ name: 'InternalServerError' });
  const got = await client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: 'g' } } }));
  expect(got.Item?.pk?.S).toBe('g');
});

it('refuses calls beyond the throttle rate within one second', async () => {
  const clock = manualClock();
  const { client, table } = await setup([{ id: 'rate', point: 'dynamodb', injector: { kind: 'throttle', ops_per_second: 3 } }], 1, clock);
  const results = [];
  for (let i = 0; i < 5; i++) results.push(await client.send(put(table, `t${i}`)).then(() => 'ok', (e: Error) => e.name));
  expect(results).toEqual(['ok', 'ok', 'ok', 'ThrottlingException', 'ThrottlingException']);
  clock.advance(1000);
  expect(await client.send(put(table, 'next-second')).then(() => 'ok')).toBe('ok');
});

it('does nothing when the engine is disabled', async () => {
  const { client, engine, table } = await setup([{ id: 'all', point: 'dynamodb', injector: { kind: 'dynamodb_error', error: 'InternalServerError' } }], 1);
  engine.enabled = false;
  await client.send(put(table, 'h'));
  expect(engine.log.entries()).toEqual([]);
});

it('reports the operation and every table a call touches', () => {
  expect(dynamoDbAttributes('PutItemCommand', { TableName: 't1' })).toEqual({ operation: 'PutItem', table: ['t1'] });
  expect(dynamoDbAttributes('BatchWriteItemCommand', { RequestItems: { a: [], b: [] } })).toEqual({ operation: 'BatchWriteItem', table: ['a', 'b'] });
  expect(dynamoDbAttributes('TransactWriteItemsCommand', { TransactItems: [{ Put: { TableName: 'x' } }, { Update: { TableName: 'y' } }] }).table).toEqual(['x', 'y']);
});

it("reports the values of a call's Key, in either form, so a rule can single out one item", () => {
  expect(dynamoDbAttributes('UpdateItemCommand', { TableName: 't', Key: { delivery_id: { S: 'dlv_1' } } })).toEqual({ operation: 'UpdateItem', table: ['t'], key: ['dlv_1'] });
  expect(dynamoDbAttributes('GetItemCommand', { TableName: 't', Key: { pk: 'a#1', n: 7 } }).key).toEqual(['a#1', '7']);
  expect(dynamoDbAttributes('DeleteItemCommand', { TableName: 't', Key: { pk: { S: 'p' }, sk: { N: '3' } } }).key).toEqual(['p', '3']);
  const rule = compileMatch({ operation: 'UpdateItem', key: 'dlv_*' });
  expect(rule(dynamoDbAttributes('UpdateItemCommand', { TableName: 't', Key: { delivery_id: 'dlv_9' } }))).toBe(true);
  expect(rule(dynamoDbAttributes('UpdateItemCommand', { TableName: 't', Key: { delivery_id: 'lease#fanout' } }))).toBe(false);
  // A call that names no single item never matches a rule on its key.
  expect(compileMatch({ key: '*' })(dynamoDbAttributes('BatchWriteItemCommand', { RequestItems: { t: [] } }))).toBe(false);
});

// A write made with `noBlindResend` is not sent again after an attempt that may have landed unseen
// (it reached the store and its answer was lost), and still is after one that certainly did not land:
// refused by the store (a throttle), or stopped before it reached the store.
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { addChaosMiddleware } from '../../../chaos/src/points/dynamodb-point.js';
import { ChaosEngine } from '../../../chaos/src/rules/chaos-engine.js';
import type { RuleInput } from '../../../chaos/src/rules/rule-schema.js';
import { batchWriteAll } from '../../../reference-server/src/store/batch-write.js';
import { guardBlindResends, OutcomeUnknownError } from '../../../reference-server/src/store/no-blind-resend.js';
import { startLocalDynamo, type LocalDynamo } from '../../chaos/support/local-dynamo.js';
import { rejection } from '../../chaos/support/rejection.js';

let dynamo: LocalDynamo;
let tableSeq = 0;
beforeAll(async () => {
  dynamo = await startLocalDynamo();
});
afterAll(async () => dynamo?.close());

async function setup(rules: Omit<RuleInput, 'point'> | Omit<RuleInput, 'point'>[]) {
  const table = `once-${++tableSeq}`;
  await dynamo.createTable(table);
  const engine = new ChaosEngine({ enabled: true, seed: 11, rules: [rules].flat().map((rule) => ({ ...rule, point: 'dynamodb' as const, match: { table } })) });
  const client = dynamo.client({ maxAttempts: 3 });
  guardBlindResends(client);
  addChaosMiddleware(client, engine);
  const put = (pk: string | string[], noBlindResend?: boolean) =>
    batchWriteAll(DynamoDBDocumentClient.from(client), { [table]: [pk].flat().map((one) => ({ PutRequest: { Item: { pk: one } } })) }, 8, undefined, undefined, { noBlindResend });
  const stored = async (pk: string) => (await client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: pk } } }))).Item !== undefined;
  return { engine, put, stored };
}

it('fails with the outcome unknown, sending nothing more, after an attempt answered 500 once it landed', async () => {
  const { engine, put, stored } = await setup({ id: 'lost', injector: { kind: 'partial_failure', phase: 'after' }, max_count: 1 });
  const err = await rejection(put('a', true));
  expect(err).toBeInstanceOf(OutcomeUnknownError);
  // The store answered; the fault point lost that answer on its way up.
  expect(String((err as unknown as OutcomeUnknownError).attemptError)).toContain('the answer was lost');
  expect(await stored('a')).toBe(true);
  expect(engine.log.entries()).toHaveLength(1);
});

it('fails with the outcome unknown when the fault point sent part of the call and lost its answer', async () => {
  const { engine, put, stored } = await setup([
    { id: 'split', injector: { kind: 'partial_batch', fraction: 0.5 }, max_count: 1 },
    { id: 'lost', injector: { kind: 'partial_failure', phase: 'after' }, max_count: 1 },
  ]);
  // The part sent is a copy of the call's input: it is guarded all the same.
  const err = await rejection(put(['f1', 'f2'], true));
  expect(err).toBeInstanceOf(OutcomeUnknownError);
  expect(engine.log.entries().map((e) => e.rule)).toEqual(['split', 'lost']);
  expect([await stored('f1'), await stored('f2')].filter(Boolean)).toHaveLength(1);
});

it('is sent again as usual without the option: the SDK resends what may have landed', async () => {
  const { engine, put, stored } = await setup({ id: 'lost', injector: { kind: 'partial_failure', phase: 'after' }, max_count: 1 });
  await put('b');
  expect(await stored('b')).toBe(true);
  expect(engine.log.entries()).toHaveLength(1);
});

it('still lets the SDK retry a throttled attempt, which certainly did not land', async () => {
  const { engine, put, stored } = await setup({ id: 'throttle', injector: { kind: 'dynamodb_error', error: 'ThrottlingException' }, max_count: 1 });
  await put('c', true);
  expect(await stored('c')).toBe(true);
  expect(engine.log.entries().map((e) => e.kind)).toEqual(['dynamodb_error']);
});

it('sends a call again whose attempt timed out before it reached the store', async () => {
  const { engine, put, stored } = await setup({ id: 'slow', injector: { kind: 'timeout', ms: 50 }, max_count: 1 });
  await put('d', true);
  expect(await stored('d')).toBe(true);
  expect(engine.log.entries()).toHaveLength(1);
});

it('sends a call again whose 500 was answered before it reached the store', async () => {
  const { engine, put, stored } = await setup({ id: 'fault', injector: { kind: 'dynamodb_error', error: 'InternalServerError' }, max_count: 1 });
  // The fault point answers for the store here, before the call reaches it: only what reaches the
  // transport counts, so this attempt is known not to have landed, and is sent again.
  await put('e', true);
  expect(await stored('e')).toBe(true);
  expect(engine.log.entries()).toHaveLength(1);
});

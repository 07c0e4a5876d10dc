// Splitting a batch: the share asked for goes unprocessed, nothing is lost or duplicated, and the
// same seed drops the same items.
import type { WriteRequest } from '@aws-sdk/client-dynamodb';
import { expect, it } from 'vitest';
import { splitBatch } from '../../../chaos/src/faults/partial-batch.js';

const items = (table: string, n: number): WriteRequest[] => Array.from({ length: n }, (_, i) => ({ PutRequest: { Item: { pk: { S: `${table}-${i}` } } } }));
const keys = (batch: Record<string, WriteRequest[]>) => Object.values(batch).flat().map((r) => r.PutRequest?.Item?.pk?.S).sort();

it('leaves the requested share unprocessed and keeps the rest, across tables', () => {
  const batch = { a: items('a', 6), b: items('b', 4) };
  const { kept, unprocessed } = splitBatch(batch, 0.3, 1);
  expect(keys(unprocessed)).toHaveLength(3);
  expect([...keys(kept), ...keys(unprocessed)].sort()).toEqual(keys(batch));
});

it('drops at least one item whenever it fires', () => {
  expect(keys(splitBatch({ a: items('a', 3) }, 0.01, 1).unprocessed)).toHaveLength(1);
});

it('drops the same items for the same seed and usually different ones for another', () => {
  const batch = { a: items('a', 25) };
  expect(splitBatch(batch, 0.4, 7)).toEqual(splitBatch(batch, 0.4, 7));
  expect(keys(splitBatch(batch, 0.4, 7).unprocessed)).not.toEqual(keys(splitBatch(batch, 0.4, 8).unprocessed));
});

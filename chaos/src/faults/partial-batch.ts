// Partial batch injector: BatchWriteItem writes only some of its items and returns the rest as
// UnprocessedItems, exactly as DynamoDB does under pressure; callers must resubmit them.
import type { WriteRequest } from '@aws-sdk/client-dynamodb';
import { z } from 'zod';
import { createRandom } from '../random/seeded-random.js';

/** Settings: the share of the batch's items left unprocessed (at least one item whenever it fires). */
export const partialBatchSchema = z.strictObject({
  kind: z.literal('partial_batch'),
  fraction: z.number().gt(0).max(1).default(0.5),
});

/** A validated partial batch injector. */
export type PartialBatchInjector = z.infer<typeof partialBatchSchema>;

/** A batch's items by table. */
export type BatchItems = Record<string, WriteRequest[]>;

/** The part of a batch that is sent, and the part handed back unprocessed. */
export interface BatchSplit {
  kept: BatchItems;
  unprocessed: BatchItems;
}

/**
 * Picks which items go unprocessed with a generator seeded from the decision (`pickSeed`), so the
 * same decision always drops the same items. Tables left empty are omitted from `kept`.
 */
export function splitBatch(items: BatchItems, fraction: number, pickSeed: number): BatchSplit {
  const flat = Object.entries(items).flatMap(([table, requests]) => requests.map((request) => ({ table, request })));
  const dropCount = flat.length === 0 ? 0 : Math.min(flat.length, Math.max(1, Math.round(flat.length * fraction)));
  const random = createRandom(pickSeed);
  const order = flat.map((_, i) => i);
  for (let i = 0; i < dropCount; i++) {
    const j = i + Math.floor(random.next() * (order.length - i));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const dropped = new Set(order.slice(0, dropCount));
  const kept: BatchItems = {};
  const unprocessed: BatchItems = {};
  flat.forEach(({ table, request }, i) => {
    const target = dropped.has(i) ? unprocessed : kept;
    (target[table] ??= []).push(request);
  });
  return { kept, unprocessed };
}

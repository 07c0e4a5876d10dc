// A batch that landed in part is reported with its rest, and the completer writes that rest once the
// store takes writes again: merged into calls of at most 25, one call at a time, given up (and
// reported) only after its time limit. A batch of which nothing landed is not reported at all.
import type { BatchWriteItemCommandInput, BatchWriteItemCommandOutput } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { InitializeMiddleware, MetadataBearer } from '@smithy/types';
import { describe, expect, it } from 'vitest';
import { BatchCompleter } from '../../../reference-server/src/store/batch-completer.js';
import { batchWriteAll, type MarshalledRequests } from '../../../reference-server/src/store/batch-write.js';
import { freshTablesFor } from '../../support/fresh-tables.js';

const freshTables = freshTablesFor('bc');

/**
 * A client on fresh tables whose BatchWriteItem calls are counted (items per call) and, while
 * `refuse(items)` says so for an item, hand that item back unprocessed without writing it.
 */
async function setup() {
  const { dynamo, names } = await freshTables({ maxAttempts: 1 });
  const calls: number[] = [];
  const state = { refuse: (_item: Record<string, unknown>) => false };
  const refuse: InitializeMiddleware<object, MetadataBearer> = (next, context) => async (args) => {
      if (context.commandName !== 'BatchWriteItemCommand') return next(args);
      const input = args.input as BatchWriteItemCommandInput;
      const entries = Object.entries(input.RequestItems ?? {});
      calls.push(entries.reduce((n, [, writes]) => n + writes.length, 0));
      const refused = (w: (typeof entries)[number][1][number]) => state.refuse(w.PutRequest?.Item ?? {});
      const kept = Object.fromEntries(entries.map(([t, writes]) => [t, writes.filter((w) => !refused(w))] as const).filter(([, w]) => w.length > 0));
      const back = Object.fromEntries(entries.map(([t, writes]) => [t, writes.filter(refused)] as const).filter(([, w]) => w.length > 0));
      if (Object.keys(kept).length === 0) return { output: { UnprocessedItems: back, $metadata: {} }, response: {} };
      const result = await next({ ...args, input: { ...input, RequestItems: kept } });
      return { ...result, output: { ...(result.output as BatchWriteItemCommandOutput), UnprocessedItems: back } };
  };
  dynamo.client.middlewareStack.add(refuse, { step: 'initialize', name: 'refuse' });
  const table = names.events;
  const stored = async (id: string) =>
    (await dynamo.doc.send(new GetCommand({ TableName: table, Key: { tenant_id: 'tnt_bc', event_id: id }, ConsistentRead: true }))).Item;
  return { dynamo, table, calls, state, stored };
}

const item = (id: string) => ({ tenant_id: 'tnt_bc', event_id: id, n: 1 });
const rest = (table: string, ids: string[]): MarshalledRequests => ({ [table]: ids.map((id) => ({ PutRequest: { Item: marshall(item(id)) } })) });

describe('batchWriteAll', () => {
  it('reports the rest of a batch that landed in part, before it throws', async () => {
    const { dynamo, table, state, stored } = await setup();
    state.refuse = (i) => (i.event_id as { S: string }).S === 'b';
    const reported: MarshalledRequests[] = [];
    await expect(batchWriteAll(dynamo.doc, { [table]: ['a', 'b'].map((id) => ({ PutRequest: { Item: item(id) } })) }, 2, undefined, (r) => reported.push(r))).rejects.toThrow(/unprocessed/);
    expect(await stored('a')).toBeDefined();
    expect(reported).toEqual([rest(table, ['b'])]);
    dynamo.client.destroy();
  });

  it('reports nothing when no item of the batch landed', async () => {
    const { dynamo, table, state } = await setup();
    state.refuse = () => true;
    const reported: MarshalledRequests[] = [];
    await expect(batchWriteAll(dynamo.doc, { [table]: ['c', 'd'].map((id) => ({ PutRequest: { Item: item(id) } })) }, 2, undefined, (r) => reported.push(r))).rejects.toThrow(/unprocessed/);
    expect(reported).toEqual([]);
    dynamo.client.destroy();
  });
});

describe('BatchCompleter', () => {
  it('writes the rests of many batches once the store takes them, merged into calls of at most 25', async () => {
    const { dynamo, table, calls, state, stored } = await setup();
    state.refuse = () => true;
    const completer = new BatchCompleter(dynamo.doc);
    const ids = Array.from({ length: 40 }, (_, i) => `m${String(i).padStart(2, '0')}`);
    for (let i = 0; i < ids.length; i += 10) completer.add(rest(table, ids.slice(i, i + 10)));
    expect(completer.pending).toBe(40);
    expect(await completer.settle(100)).toBe(false);
    expect(completer.pending).toBe(40);

    calls.length = 0;
    state.refuse = () => false;
    expect(await completer.settle(10_000)).toBe(true);
    expect(completer.pending).toBe(0);
    for (const id of ids) expect(await stored(id), id).toEqual(item(id));
    // Once accepted, the 40 go in two calls (25 + 15); refused calls before then never exceeded 25 either.
    expect(calls.slice(-2)).toEqual([25, 15]);
    expect(Math.max(...calls)).toBeLessThanOrEqual(25);
    dynamo.client.destroy();
  });

  it('gives the rest up after its time limit and reports how many writes it dropped', async () => {
    const { dynamo, table, state, stored } = await setup();
    state.refuse = () => true;
    let now = 1_000;
    const abandoned: number[] = [];
    const completer = new BatchCompleter(dynamo.doc, { completeWithinMs: 60_000, now: () => now, onAbandon: (n) => abandoned.push(n) });
    completer.add(rest(table, ['x1', 'x2', 'x3']));
    expect(await completer.settle(100)).toBe(false);
    expect(abandoned).toEqual([]);
    now += 60_001;
    expect(await completer.settle(10_000)).toBe(true);
    expect(abandoned).toEqual([3]);
    expect(completer.pending).toBe(0);
    state.refuse = () => false;
    expect(await stored('x1')).toBeUndefined();
    dynamo.client.destroy();
  });

  it('stops retrying when stopped, dropping what is left, and takes nothing more', async () => {
    const { dynamo, table, calls, state, stored } = await setup();
    state.refuse = () => true;
    const completer = new BatchCompleter(dynamo.doc);
    completer.add(rest(table, ['s1', 's2']));
    expect(await completer.settle(50)).toBe(false);
    expect(completer.stop()).toBe(2);
    expect(await completer.settle(5_000)).toBe(true);
    state.refuse = () => false;
    const sent = calls.length;
    completer.add(rest(table, ['s3']));
    expect(completer.pending).toBe(0);
    expect(calls.length).toBe(sent);
    expect(await stored('s1')).toBeUndefined();
    dynamo.client.destroy();
  });
});

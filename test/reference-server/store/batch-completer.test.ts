// A batch that landed in part is reported with its rest, and the completer writes that rest once the
// store takes writes again: merged into calls of at most 25, one call at a time, given up (and
// reported) only after its time limit. A batch of which nothing landed is not reported at all. With a
// journal, what is unfinished is on disk before the callers hear of it, and a new completer on the
// file (the next start) finishes it.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { BatchWriteItemCommandInput, BatchWriteItemCommandOutput } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { InitializeMiddleware, MetadataBearer } from '@smithy/types';
import { describe, expect, it, onTestFinished } from 'vitest';
import { BatchCompleter, JournalWriteError } from '../../../reference-server/src/store/batch-completer.js';
import { InFlightLog } from '../../../reference-server/src/store/in-flight-log.js';
import { createStores } from '../../../reference-server/src/store/stores.js';
import { batchWriteAll, type MarshalledRequests } from '../../../reference-server/src/store/batch-write.js';
import { UnfinishedJournal } from '../../../reference-server/src/store/unfinished-journal.js';
import { freshTablesFor } from '../../support/fresh-tables.js';
import { waitFor } from '../../support/wait-for.js';

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
    await expect(batchWriteAll(dynamo.doc, { [table]: ['a', 'b'].map((id) => ({ PutRequest: { Item: item(id) } })) }, 2, undefined, () => ({ unfinished: (r) => reported.push(r) }))).rejects.toThrow(/unprocessed/);
    expect(await stored('a')).toBeDefined();
    expect(reported).toEqual([rest(table, ['b'])]);
    dynamo.client.destroy();
  });

  it('reports nothing when no item of the batch landed', async () => {
    const { dynamo, table, state } = await setup();
    state.refuse = () => true;
    const reported: MarshalledRequests[] = [];
    await expect(batchWriteAll(dynamo.doc, { [table]: ['c', 'd'].map((id) => ({ PutRequest: { Item: item(id) } })) }, 2, undefined, () => ({ unfinished: (r) => reported.push(r) }))).rejects.toThrow(/unprocessed/);
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

describe('BatchCompleter with a journal', () => {
  async function journalFile(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'aftershock-journal-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    return join(dir, 'unfinished-writes.json');
  }
  /** Ids of the writes the journal file holds. */
  const journalIds = async (path: string) => (await new UnfinishedJournal(path).load()).map((w) => w.write.PutRequest?.Item?.event_id?.S).sort();

  /** A completer on a fresh journal, and a batch of `ids` written with its tracking while `refused` is handed back. */
  async function trackedBatch(ids: string[], refused: string, maxRounds: number, signal?: AbortSignal) {
    const ctx = await setup();
    const path = await journalFile();
    ctx.state.refuse = (i) => (i.event_id as { S: string }).S === refused;
    const completer = new BatchCompleter(ctx.dynamo.doc, { journalPath: path });
    const writing = batchWriteAll(ctx.dynamo.doc, { [ctx.table]: ids.map((id) => ({ PutRequest: { Item: item(id) } })) }, maxRounds, signal, () => completer.track());
    writing.catch(() => undefined);
    return { ...ctx, path, completer, writing };
  }

  it('has what is unfinished on disk once add resolves, and a new completer on the file finishes it', async () => {
    const { dynamo, table, state, stored } = await setup();
    const path = await journalFile();
    state.refuse = () => true;
    const first = new BatchCompleter(dynamo.doc, { journalPath: path });
    await first.add(rest(table, ['j1', 'j2']));
    expect(await journalIds(path)).toEqual(['j1', 'j2']);
    // Stopped (the process is going away): the file is left as it is, for the next start.
    expect(first.stop()).toBe(2);
    expect(await first.settle(5_000)).toBe(true);
    expect(await journalIds(path)).toEqual(['j1', 'j2']);

    state.refuse = () => false;
    const next = new BatchCompleter(dynamo.doc, { journalPath: path });
    expect(await next.resume()).toBe(2);
    expect(await next.settle(10_000)).toBe(true);
    expect(await stored('j1')).toEqual(item('j1'));
    expect(await stored('j2')).toEqual(item('j2'));
    expect(existsSync(path)).toBe(false);
    dynamo.client.destroy();
  });

  it('resumes the calls an earlier run had in flight beside its journal, each item once', async () => {
    const { dynamo, table, calls, stored } = await setup();
    const path = await journalFile();
    const first = new BatchCompleter(dynamo.doc, { journalPath: path });
    first.stop();
    // The rest of a split call is in the journal, and the whole call was still in flight (in-flight-log.ts).
    await new UnfinishedJournal(path, () => rest(table, ['f2', 'f3'])[table]!.map((write) => ({ table, write }))).persist();
    const keyOf = (t: string, w: MarshalledRequests[string][number]) => `${t}#${w.PutRequest?.Item?.event_id?.S}`;
    const next = new BatchCompleter(dynamo.doc, { journalPath: path, keyOf });
    expect(await next.resume([rest(table, ['f1', 'f2', 'f3']), rest(table, ['f4'])])).toBe(4);
    expect(await next.settle(10_000)).toBe(true);
    for (const id of ['f1', 'f2', 'f3', 'f4']) expect(await stored(id)).toEqual(item(id));
    // One call of four: a call naming an item twice is refused whole by DynamoDB.
    expect(calls).toEqual([4]);
    expect(existsSync(path)).toBe(false);
    dynamo.client.destroy();
  });

  it('keeps on disk what was unfinished when it stopped, even with a write to the file still queued', async () => {
    const { dynamo, table, state } = await setup();
    const path = await journalFile();
    state.refuse = () => true;
    const completer = new BatchCompleter(dynamo.doc, { journalPath: path });
    await completer.add(rest(table, ['q1']));
    // q1 refused and waiting between calls; q2 is taken over, and the stop comes before its write to the file.
    expect(await completer.settle(50)).toBe(false);
    const recorded = completer.add(rest(table, ['q2']));
    completer.stop();
    await recorded;
    expect(await journalIds(path)).toEqual(['q1', 'q2']);
    dynamo.client.destroy();
  });

  it('keeps a batch its caller still retries on disk between rounds, until it lands whole', async () => {
    const { dynamo, state, stored, path, completer, writing } = await trackedBatch(['t1', 't2'], 't2', 8);
    await waitFor(async () => (await journalIds(path)).join() === 't2', { message: 't2 on disk while it is retried' });
    // Still the caller's to retry, not the completer's.
    expect(completer.pending).toBe(0);
    state.refuse = () => false;
    await writing;
    expect(await stored('t2')).toEqual(item('t2'));
    expect(existsSync(path)).toBe(false);
    dynamo.client.destroy();
  });

  it('takes a tracked batch over when its caller gives up', async () => {
    const { dynamo, state, stored, path, completer, writing } = await trackedBatch(['g1', 'g2'], 'g2', 3);
    await expect(writing).rejects.toThrow(/unprocessed/);
    expect(completer.pending).toBe(1);
    expect(await journalIds(path)).toEqual(['g2']);
    state.refuse = () => false;
    expect(await completer.settle(10_000)).toBe(true);
    expect(await stored('g2')).toEqual(item('g2'));
    expect(existsSync(path)).toBe(false);
    dynamo.client.destroy();
  });

  it('takes a tracked batch over when its caller is aborted between rounds', async () => {
    const abort = new AbortController();
    const { dynamo, path, completer, writing } = await trackedBatch(['a1', 'a2'], 'a2', 8, abort.signal);
    await waitFor(async () => (await journalIds(path)).join() === 'a2', { message: 'a2 on disk while it is retried' });
    abort.abort(new Error('caller gone'));
    await expect(writing).rejects.toThrow(/caller gone/);
    expect(completer.pending).toBe(1);
    completer.stop();
    dynamo.client.destroy();
  });

  it('keeps in the file only what is still refused', async () => {
    const { dynamo, table, state, stored } = await setup();
    const path = await journalFile();
    state.refuse = (i) => (i.event_id as { S: string }).S === 'k1';
    const completer = new BatchCompleter(dynamo.doc, { journalPath: path });
    await completer.add(rest(table, ['k1', 'k2']));
    await waitFor(() => stored('k2'), { message: 'k2 written' });
    await waitFor(async () => (await journalIds(path)).join() === 'k1', { message: 'only k1 left in the journal' });
    expect(await stored('k1')).toBeUndefined();
    completer.stop();
    dynamo.client.destroy();
  });

  it('takes over what it is given prepared to be written again', async () => {
    const { dynamo, table, state } = await setup();
    const path = await journalFile();
    state.refuse = () => true;
    const completer = new BatchCompleter(dynamo.doc, { journalPath: path, prepare: (w) => ({ PutRequest: { Item: { ...w.PutRequest!.Item!, prepared: { BOOL: true } } } }) });
    await completer.add(rest(table, ['p1']));
    expect((await new UnfinishedJournal(path).load())[0]?.write.PutRequest?.Item?.prepared).toEqual({ BOOL: true });
    completer.stop();
    dynamo.client.destroy();
  });

  it('resumes from memory when the journal cannot take what it resumes, and says so', async () => {
    const { dynamo, table, stored } = await setup();
    const path = await journalFile();
    // A full disk: the journal's next version cannot be written.
    await symlink('/dev/full', `${path}.tmp`);
    const completer = new BatchCompleter(dynamo.doc, { journalPath: path });
    const resumed = completer.resume([rest(table, ['m1', 'm2'])]);
    await expect(resumed).rejects.toThrow(JournalWriteError);
    await expect(resumed).rejects.toMatchObject({ writes: 2, cause: expect.objectContaining({ code: 'ENOSPC' }) });
    expect(await completer.settle(10_000)).toBe(true);
    expect(await stored('m1')).toEqual(item('m1'));
    expect(await stored('m2')).toEqual(item('m2'));
    dynamo.client.destroy();
  });

  it('keeps the log of calls in flight when the journal cannot take them, until what it held is written', async () => {
    const { dynamo, table, state } = await setup();
    const dir = dirname(await journalFile());
    const logPath = join(dir, 'in-flight-writes');
    const event = { tenant_id: 'tnt_bc', event_id: 'evt_logged', inbox_tenant: 'tnt_bc', created_at: '2026-12-07T00:00:00.000Z' };
    // What a killed server left: one call begun and never ended.
    await writeFile(`${logPath}.0`, `B 0 ${JSON.stringify({ [table]: [{ PutRequest: { Item: marshall(event) } }] })}\n`);
    const storeOn = () => createStores(dynamo.doc, table.slice(0, -'events'.length), 'outbox', { unfinishedWritesPath: join(dir, 'unfinished-writes.json'), inFlightLogPath: logPath }).events;
    const stored = async () => (await dynamo.doc.send(new GetCommand({ TableName: table, Key: { tenant_id: 'tnt_bc', event_id: 'evt_logged' }, ConsistentRead: true }))).Item;
    await symlink('/dev/full', join(dir, 'unfinished-writes.json.tmp'));
    state.refuse = () => true;

    // A start on a full disk whose store refuses the write, then stops: the file is the call's only record.
    const crashed = storeOn();
    crashed.completer.onJournalError = () => undefined;
    expect(await crashed.resumeUnfinished()).toEqual({ writes: 1, calls: 1, kept: true });
    expect(await crashed.completer.settle(100)).toBe(false);
    crashed.completer.stop();
    // Stopped before the write landed: the file stays once the completer is done.
    expect(await crashed.completer.drained()).toBe(false);
    await new Promise((r) => setImmediate(r));
    expect(InFlightLog.load(logPath).calls).toHaveLength(1);

    // The next one, still on a full disk, writes it from memory and then lets the file go.
    state.refuse = () => false;
    const next = storeOn();
    next.completer.onJournalError = () => undefined;
    expect(await next.resumeUnfinished()).toEqual({ writes: 1, calls: 1, kept: true });
    expect(await next.completer.settle(10_000)).toBe(true);
    expect(await stored()).toBeDefined();
    await waitFor(() => InFlightLog.load(logPath).files.length === 0, { message: 'the log file removed once its call was written' });
    dynamo.client.destroy();
  });

  it('will not start from a file that is not a journal, and leaves the file alone', async () => {
    const { dynamo } = await setup();
    const path = await journalFile();
    await writeFile(path, '{"writes": [');
    await expect(new BatchCompleter(dynamo.doc, { journalPath: path }).resume()).rejects.toThrow();
    expect(await readFile(path, 'utf8')).toBe('{"writes": [');
    dynamo.client.destroy();
  });
});

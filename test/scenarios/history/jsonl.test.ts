import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HistoryRecord } from '../../../scenarios/history/history.js';
import { HistoryWriter, loadHistory, openHistoryWriter, parseHistoryLine } from '../../../scenarios/history/jsonl.js';
import { waitFor } from '../../support/wait-for.js';

const records: HistoryRecord[] = [
  { kind: 'op', process: 0, type: 'invoke', f: 'create_event', value: { idempotency_key: 'k1', event_type: 'order.created', source: 'shop', extra: { nested: true } }, time: 10, intended: 9.5 },
  { kind: 'op', process: 0, type: 'info', f: 'create_event', value: { error: 'ECONNRESET' }, time: 40 },
  { kind: 'fault', id: 'f1', type: 'start', fault: 'receiver', detail: { status: 503 }, time: 1000 },
  { kind: 'receipt', delivery_id: 'd1', event_id: 'e1', webhook_id: 'wh-1', start: 1200, end: 1210, status: 503 },
  { kind: 'process', process: 'worker-1', action: 'kill', signal: 'SIGKILL', time: 2000 },
  { kind: 'final', events: { e1: { readable: true, event_type: 'order.created' } }, webhooks: [{ webhook_id: 'wh-1', event_types: ['*'] }], dlq: [], analytics: { total: 1, by_type: { 'order.created': 1 }, by_source: { shop: 1 } }, time: 9000 },
];

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aftershock-history-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('history.jsonl', () => {
  it('reads back exactly the records written, one per line', async () => {
    const path = join(dir, 'history.jsonl');
    const writer = openHistoryWriter(path);
    for (const record of records) writer.append(record);
    await writer.close();
    expect((await readFile(path, 'utf8')).split('\n')).toHaveLength(records.length + 1);
    expect(await loadHistory(path)).toEqual(records);
  });

  it('is on disk while the run goes on, before the writer closes', async () => {
    const path = join(dir, 'history.jsonl');
    const writer = openHistoryWriter(path);
    writer.append(records[0] as HistoryRecord);
    await waitFor(async () => (await readFile(path, 'utf8')).endsWith('\n'), { message: 'first record on disk' });
    expect(await loadHistory(path)).toEqual([records[0]]);
    await writer.close();
  });

  it('writes in batches of at most maxLines records, whole lines each', async () => {
    const writes: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (writes.push(chunk.toString()), done()) });
    const writer = new HistoryWriter(sink, { maxLines: 2, maxDelayMs: 60_000 });
    for (const record of records.slice(0, 5)) writer.append(record);
    expect(writes.map((w) => w.split('\n').length - 1)).toEqual([2, 2]);
    await writer.close();
    expect(writes.map((w) => w.split('\n').length - 1)).toEqual([2, 2, 1]);
    expect(writes.every((w) => w.endsWith('\n'))).toBe(true);
  });

  it('reads a history whose last line a kill cut short, up to that line', async () => {
    const path = join(dir, 'history.jsonl');
    const whole = records.slice(0, 3).map((r) => JSON.stringify(r)).join('\n');
    await writeFile(path, `${whole}\n${JSON.stringify(records[3]).slice(0, 30)}`);
    expect(await loadHistory(path)).toEqual(records.slice(0, 3));
    await writeFile(path, `${whole}\n${JSON.stringify(records[3]).slice(0, 30)}\n`);
    await expect(loadHistory(path)).rejects.toThrow(`${path}:4: not JSON`);
  });

  it('names the file, line and field of a bad line', async () => {
    const path = join(dir, 'history.jsonl');
    await writeFile(path, `${JSON.stringify(records[0])}\n\n{"kind":"receipt","delivery_id":"d1"}\n`);
    await expect(loadHistory(path)).rejects.toThrow(`${path}:3: event_id:`);
    expect(() => parseHistoryLine('{oops', 7)).toThrow('history.jsonl:7: not JSON; each line must be one history record');
    expect(() => parseHistoryLine('{"kind":"telemetry"}', 2)).toThrow('history.jsonl:2: kind:');
  });

  it('raises a write failure at close, and refuses records after it', async () => {
    const failing = new Writable({ write: (_chunk, _enc, done) => done(new Error('disk full')) });
    const writer = new HistoryWriter(failing);
    writer.append(records[0] as HistoryRecord);
    await expect(writer.close()).rejects.toThrow('could not write the history: disk full');
    expect(() => writer.append(records[1] as HistoryRecord)).toThrow('history writer is closed');
  });
});

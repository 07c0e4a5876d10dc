// Group commit for puts: writes requested in the same turn of the event loop share BatchWriteItem
// calls (up to 25 items each). Under load this turns many round trips into few; a lone request is
// flushed on the next turn, so it waits no longer than it would have. Small records that need no row
// of their own (analytics facts) ride along: every call writes those of its requests as one row.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BATCH_WRITE_MAX, batchWriteAll } from './batch-write.js';

type Put = { table: string; item: Record<string, unknown> };

interface Pending<R> {
  puts: Put[];
  record: R | undefined;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class WriteBatcher<R = never> {
  private queue: Pending<R>[] = [];
  private scheduled = false;

  /** `bundle` makes the one row holding the records of a call's requests. */
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly bundle?: (records: R[]) => Put,
  ) {}

  /**
   * Writes `puts`, and `record` within its call's bundle row (all or nothing for the caller: it
   * resolves once every one of them landed).
   */
  put(puts: Put[], record?: R): Promise<void> {
    if (record !== undefined && !this.bundle) throw new Error('this batcher bundles no records');
    return new Promise((resolve, reject) => {
      this.queue.push({ puts, record, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = false;
    const queue = this.queue;
    this.queue = [];
    let batch: Pending<R>[] = [];
    // Puts of the call so far; a call with any record has one item more, its bundle row.
    let size = 0;
    let bundled = false;
    for (const p of queue) {
      const bundleRow = bundled || p.record !== undefined ? 1 : 0;
      if (size + p.puts.length + bundleRow > BATCH_WRITE_MAX && batch.length > 0) {
        void this.send(batch);
        batch = [];
        size = 0;
        bundled = false;
      }
      batch.push(p);
      size += p.puts.length;
      bundled ||= p.record !== undefined;
    }
    if (batch.length > 0) void this.send(batch);
  }

  private async send(batch: Pending<R>[]): Promise<void> {
    const requests: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> = {};
    for (const p of batch) for (const { table, item } of p.puts) (requests[table] ??= []).push({ PutRequest: { Item: item } });
    const records = batch.flatMap((p) => (p.record === undefined ? [] : [p.record]));
    try {
      if (records.length > 0) {
        const { table, item } = this.bundle!(records);
        (requests[table] ??= []).push({ PutRequest: { Item: item } });
      }
      await batchWriteAll(this.doc, requests);
      for (const p of batch) p.resolve();
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }
}

// Group commit for puts: writes requested in the same turn of the event loop share BatchWriteItem
// calls (up to 25 items each). Under load this turns many round trips into few; a lone request is
// flushed on the next turn, so it waits no longer than it would have.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BATCH_WRITE_MAX, batchWriteAll } from './batch-write.js';

interface Pending {
  puts: { table: string; item: Record<string, unknown> }[];
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class WriteBatcher {
  private queue: Pending[] = [];
  private scheduled = false;

  constructor(private readonly doc: DynamoDBDocumentClient) {}

  /** Writes `puts` (all or nothing for the caller: it resolves once every one of them landed). */
  put(puts: Pending['puts']): Promise<void> {
    return new Promise((resolve, reject) => {
      this.queue.push({ puts, resolve, reject });
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
    let batch: Pending[] = [];
    let size = 0;
    for (const p of queue) {
      if (size + p.puts.length > BATCH_WRITE_MAX && batch.length > 0) {
        void this.send(batch);
        batch = [];
        size = 0;
      }
      batch.push(p);
      size += p.puts.length;
    }
    if (batch.length > 0) void this.send(batch);
  }

  private async send(batch: Pending[]): Promise<void> {
    const requests: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> = {};
    for (const p of batch) for (const { table, item } of p.puts) (requests[table] ??= []).push({ PutRequest: { Item: item } });
    try {
      await batchWriteAll(this.doc, requests);
      for (const p of batch) p.resolve();
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }
}

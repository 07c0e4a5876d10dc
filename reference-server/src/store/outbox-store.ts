// The durable outbox: a row per (consumer, event) written with the event, read oldest first by each
// consumer (webhook fan-out, analytics) and deleted once the consumer's idempotent work is done.
// A crash between storing an event and acting on it leaves the row, so the work is redone.
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EventRecord } from '../domain/event.js';
import { batchWriteAll, chunks25 } from './batch-write.js';

/** Consumers of the outbox; each event gets one row per consumer. */
export type OutboxConsumer = 'fanout' | 'analytics';

export interface OutboxRow {
  consumer: OutboxConsumer;
  event_id: string;
  event: EventRecord;
}

export class OutboxStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    readonly table: string,
    readonly consumers: readonly OutboxConsumer[],
  ) {}

  /** The rows to write alongside `event`. */
  rowsFor(event: EventRecord): OutboxRow[] {
    return this.consumers.map((consumer) => ({ consumer, event_id: event.event_id, event }));
  }

  /** Oldest rows of `consumer`, at most `limit`. */
  async read(consumer: OutboxConsumer, limit: number): Promise<OutboxRow[]> {
    const { Items } = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'consumer = :c',
        ExpressionAttributeValues: { ':c': consumer },
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    return (Items ?? []) as OutboxRow[];
  }

  /** Deletes handled rows. */
  async remove(consumer: OutboxConsumer, eventIds: readonly string[]): Promise<void> {
    for (const chunk of chunks25(eventIds)) {
      await batchWriteAll(this.doc, {
        [this.table]: chunk.map((event_id) => ({ DeleteRequest: { Key: { consumer, event_id } } })),
      });
    }
  }
}

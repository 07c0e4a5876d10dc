// The durable outbox: a row per (consumer, event) written with the event, read oldest first by each
// consumer (webhook fan-out, analytics) and deleted once the consumer's idempotent work is done.
// A crash between storing an event and acting on it leaves the row, so the work is redone.
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { EventFact, Fact } from '../domain/analytics.js';
import type { EventRecord } from '../domain/event.js';
import { batchWriteAll, chunks25, type BatchRequests } from './batch-write.js';

/** Consumers of the outbox; each event gets one row per consumer. */
export type OutboxConsumer = 'fanout' | 'analytics';

export interface OutboxRow {
  consumer: OutboxConsumer;
  event_id: string;
  event: EventRecord;
  /** The event may still be hidden (its create stopped between the rows and the reveal): fan-out reveals it. */
  reveal?: true;
}

/**
 * An analytics row: only the fact the processor needs, never the payload. Its sort key orders events
 * and stats flushes together by time: the ULID part of the id first, then the id itself.
 */
export interface FactRow {
  consumer: 'analytics';
  event_id: string;
  fact: Fact;
}

/**
 * A row as stored: the event or fact as one JSON string attribute, not a nested map. Neither is ever
 * filtered on, and one string costs the SDK and the store a fraction of what marshalling and
 * validating a map attribute by attribute does, on every event's write and read. Rows written as maps
 * (`event`, `fact`) by earlier versions are still read.
 */
export type StoredRow =
  | { consumer: 'fanout'; event_id: string; event_json: string; reveal?: true }
  | { consumer: 'analytics'; event_id: string; fact_json: string };

const factItem = (fact: Fact): StoredRow => ({ consumer: 'analytics', event_id: factKey(fact.id), fact_json: JSON.stringify(fact) });

/** Sort key of a fact: `evt_01J…` → `01J…#evt_01J…`, so every kind of fact sorts by time. */
const factKey = (id: string): string => `${id.slice(id.indexOf('_') + 1)}#${id}`;

export class OutboxStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    readonly table: string,
    readonly consumers: readonly OutboxConsumer[],
  ) {}

  /**
   * The rows to write alongside `event`. `dedupe` marks an analytics fact that may be written again
   * later (an idempotent retry rewrites its rows), so the processor checks it against its markers;
   * `reveal` marks a fan-out row whose event was written hidden (see EventsStore.createIfAbsent).
   */
  rowsFor(event: EventRecord, opts: { dedupe?: boolean; reveal?: boolean } = {}): StoredRow[] {
    return this.consumers.map((consumer) => {
      if (consumer === 'fanout') return { consumer, event_id: event.event_id, event_json: JSON.stringify(event), ...(opts.reveal ? { reveal: true as const } : {}) };
      const fact: EventFact = {
        kind: 'event',
        id: event.event_id,
        tenant_id: event.tenant_id,
        source: event.source,
        event_type: event.event_type,
        created_at: event.created_at,
        ...(opts.dedupe ? { dedupe: true } : {}),
      };
      return factItem(fact);
    });
  }

  /** Queues a fact that is not an event (a stats flush) for the analytics processor. */
  async putFact(fact: Fact): Promise<void> {
    await batchWriteAll(this.doc, { [this.table]: [{ PutRequest: { Item: factItem(fact) } }] });
  }

  /** Oldest analytics facts, at most `limit`. */
  async readFacts(limit: number): Promise<FactRow[]> {
    return (await this.query('analytics', limit)).map((item) => ({
      consumer: 'analytics',
      event_id: item.event_id as string,
      fact: (item.fact as Fact | undefined) ?? (JSON.parse(item.fact_json as string) as Fact),
    }));
  }

  /** Oldest rows of `consumer`, at most `limit`. */
  async read(consumer: 'fanout', limit: number): Promise<OutboxRow[]> {
    return (await this.query(consumer, limit)).map((item) => ({
      consumer,
      event_id: item.event_id as string,
      event: (item.event as EventRecord | undefined) ?? (JSON.parse(item.event_json as string) as EventRecord),
      ...(item.reveal ? { reveal: true as const } : {}),
    }));
  }

  private async query(consumer: OutboxConsumer, limit: number): Promise<Record<string, unknown>[]> {
    const { Items } = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'consumer = :c',
        ExpressionAttributeValues: { ':c': consumer },
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    return Items ?? [];
  }

  /** Deletes handled rows, by sort key (`event_id` for fan-out rows, `factKey` for analytics rows). */
  async remove(consumer: OutboxConsumer, eventIds: readonly string[]): Promise<void> {
    for (const chunk of chunks25(eventIds)) await batchWriteAll(this.doc, this.deleteRequests(consumer, chunk));
  }

  /** BatchWriteItem requests deleting these rows, for a call that carries other writes too. */
  deleteRequests(consumer: OutboxConsumer, eventIds: readonly string[]): BatchRequests {
    return { [this.table]: eventIds.map((event_id) => ({ DeleteRequest: { Key: { consumer, event_id } } })) };
  }
}

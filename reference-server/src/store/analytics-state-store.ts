// The analytics processor's durable state in `triggers-api-analytics-state`:
// - one item per feed (`feed#outbox`, `feed#stream:<shard>`): the checkpoint after the last finished
//   batch and, while a batch is being applied, its manifest — the exact facts it holds;
// - one marker per counted fact that the feed may carry twice (`seen#<id>`), kept for two days.
// Opening a batch is a conditional write on the feed item, so only one manifest per sequence number
// ever exists, whoever races for it.
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Fact } from '../domain/analytics.js';
import { batchGetAll } from './batch-get.js';
import { batchWriteAll, chunks25 } from './batch-write.js';
import { ifConditionHolds } from './conditional-write.js';
import { sweepTable } from './sweep-table.js';

/** Markers outlive the 24-hour idempotency window, the only way a fact can come back. */
export const MARKER_TTL_S = 48 * 3600;

/** A batch fixed before any of it is applied. */
export interface Manifest {
  seq: number;
  facts: Fact[];
  /** Outbox sort keys to delete once applied (outbox feed). */
  ack: string[];
  /** Feed position after this batch (stream feeds: the last sequence number read). */
  position: string | null;
  /** The feed has nothing after this batch, ever (a closed stream shard). */
  ended: boolean;
}

export interface FeedState {
  feed: string;
  last_seq: number;
  status: 'open' | 'done';
  position: string | null;
  ended: boolean;
  manifest?: Manifest;
}

const feedKey = (feed: string) => `feed#${feed}`;
const markerKey = (id: string) => `seen#${id}`;

export class AnalyticsStateStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async get(feed: string): Promise<FeedState> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: feedKey(feed) }, ConsistentRead: true }));
    if (!Item) return { feed, last_seq: 0, status: 'done', position: null, ended: false };
    return {
      feed,
      last_seq: Item.last_seq as number,
      status: Item.status as FeedState['status'],
      position: (Item.position as string | null | undefined) ?? null,
      ended: Item.ended === true,
      // Stored as one JSON string: the manifest is written and read whole, never updated in part.
      manifest: typeof Item.manifest === 'string' ? (JSON.parse(Item.manifest) as Manifest) : undefined,
    };
  }

  /** Opens batch `m.seq` if the feed is still where `prev` saw it; `false` if someone else moved it. */
  async open(prev: FeedState, m: Manifest): Promise<boolean> {
    const done = await ifConditionHolds(
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: feedKey(prev.feed), last_seq: m.seq, status: 'open', position: prev.position, ended: prev.ended, manifest: JSON.stringify(m) },
          ConditionExpression: prev.last_seq === 0 ? 'attribute_not_exists(pk)' : 'last_seq = :prev AND #st = :done',
          ExpressionAttributeNames: prev.last_seq === 0 ? undefined : { '#st': 'status' },
          ExpressionAttributeValues: prev.last_seq === 0 ? undefined : { ':prev': prev.last_seq, ':done': 'done' },
        }),
      ),
    );
    return done !== undefined;
  }

  /** Closes batch `m.seq` and moves the checkpoint past it; `false` if it was already closed. */
  async close(feed: string, m: Manifest): Promise<boolean> {
    const done = await ifConditionHolds(
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { pk: feedKey(feed) },
          UpdateExpression: 'SET #st = :done, #pos = :pos, ended = :ended REMOVE manifest',
          ConditionExpression: 'last_seq = :seq AND #st = :open',
          ExpressionAttributeNames: { '#st': 'status', '#pos': 'position' },
          ExpressionAttributeValues: { ':done': 'done', ':open': 'open', ':seq': m.seq, ':pos': m.position, ':ended': m.ended },
        }),
      ),
    );
    return done !== undefined;
  }

  /** Which of `ids` are already counted. */
  async seen(ids: readonly string[]): Promise<Set<string>> {
    const items = await batchGetAll(this.doc, this.table, ids.map((id) => ({ pk: markerKey(id) })), { ProjectionExpression: 'pk' });
    return new Set(items.map((item) => (item.pk as string).slice('seen#'.length)));
  }

  /** Records `ids` as counted. */
  async markSeen(ids: readonly string[], nowMs: number): Promise<void> {
    const ttl = Math.floor(nowMs / 1000) + MARKER_TTL_S;
    for (const chunk of chunks25(ids)) {
      await batchWriteAll(this.doc, { [this.table]: chunk.map((id) => ({ PutRequest: { Item: { pk: markerKey(id), ttl } } })) });
    }
  }

  /** Deletes markers past their ttl (for backends that do not expire items); returns how many. */
  sweepExpired(nowMs: number): Promise<number> {
    return sweepTable(this.doc, this.table, {
      FilterExpression: 'begins_with(pk, :seen) AND #ttl <= :now',
      ProjectionExpression: 'pk',
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':seen': 'seen#', ':now': Math.floor(nowMs / 1000) },
    });
  }
}

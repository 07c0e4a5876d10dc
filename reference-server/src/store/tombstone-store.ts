// Tombstones of deleted events in the events table: what a delete leaves (EventsStore.delete writes
// it), and what the tombstone sweep reads and removes through the sparse `tombstone-index` once their
// retention has passed (workers/tombstone-sweep.ts).
import { createHash } from 'node:crypto';
import { DeleteCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ifConditionHolds } from './conditional-write.js';
import { scanEach } from './sweep-table.js';

/**
 * Set on what is left of a deleted event: its key and when it was deleted. The item stays, so a write
 * of the event that lands or is read back after the delete (a resend after a lost answer, the
 * completer, a crash's journal) finds it stored and does not bring the event back.
 */
export const DELETED = 'deleted_at';

/**
 * Epoch seconds after which a tombstone may go: set on tombstones only, so a table with DynamoDB Time
 * To Live on this attribute expires tombstones and never an event. TTL deletes up to days late and
 * dynalite never does, so the tombstone sweep (workers/tombstone-sweep.ts) removes them as well.
 */
export const TOMBSTONE_TTL = 'ttl';

/**
 * Set on tombstones only: with DELETED, the key of the sparse `tombstone-index`, which the tombstone
 * sweep reads oldest first. One of TOMBSTONE_SHARDS values, from a hash of the event id: a partition of
 * an index takes about 1,000 writes a second in DynamoDB, so deletes above that rate spread over the
 * shards instead of throttling the index (and with it the table's writes).
 */
export const TOMBSTONE_SHARD = 'tombstone_shard';
export const TOMBSTONE_SHARDS = 8;

/** The tombstone index's partition for an event id. */
export function tombstoneShard(eventId: string): string {
  return String(createHash('sha256').update(eventId).digest()[0]! % TOMBSTONE_SHARDS);
}

/** What the tombstone sweep reads of a tombstone: its key and when it was deleted. */
export interface Tombstone {
  tenant_id: string;
  event_id: string;
  deleted_at: string;
}

/** Where a walk of the tombstone index goes on: a shard, and the position in it after a full page. */
export interface TombstoneCursor {
  shard: number;
  key?: Record<string, unknown>;
}

/** The events table's tombstones, as the sweep and the start-up backfill see them. */
export class TombstoneStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * Tombstones deleted before `deletedBefore`, oldest first: one page (at most `limit`) of one shard of
   * the tombstone index, from `from` (shard 0 without it). `next` is where the following page starts:
   * further in the same shard after a full page, else the next shard, and `undefined` after the last.
   * The index holds tombstones only, so a page reads none of the table's events.
   */
  async tombstones(deletedBefore: string, limit: number, from?: TombstoneCursor): Promise<{ tombstones: Tombstone[]; next?: TombstoneCursor }> {
    const shard = from?.shard ?? 0;
    const page = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'tombstone-index',
        KeyConditionExpression: '#s = :s AND #d < :before',
        ExpressionAttributeNames: { '#s': TOMBSTONE_SHARD, '#d': DELETED },
        ExpressionAttributeValues: { ':s': String(shard), ':before': deletedBefore },
        ExclusiveStartKey: from?.key,
        Limit: limit,
      }),
    );
    const tombstones = (page.Items ?? []).map((i) => ({ tenant_id: i.tenant_id, event_id: i.event_id, deleted_at: i[DELETED] }) as Tombstone);
    const next = page.LastEvaluatedKey ? { shard, key: page.LastEvaluatedKey } : shard + 1 < TOMBSTONE_SHARDS ? { shard: shard + 1 } : undefined;
    return { tombstones, next };
  }

  /**
   * Gives every tombstone without TOMBSTONE_SHARD its shard (tombstones written before the tombstone
   * index was added to the table), each only if it is still the tombstone read; how many it changed.
   */
  async backfillShards(): Promise<number> {
    const names = { '#d': DELETED, '#s': TOMBSTONE_SHARD };
    return scanEach<Tombstone>(
      this.doc,
      this.table,
      { ProjectionExpression: 'tenant_id, event_id, #d', FilterExpression: 'attribute_exists(#d) AND attribute_not_exists(#s)', ExpressionAttributeNames: names },
      async (t) =>
        (await ifConditionHolds(
          this.doc.send(
            new UpdateCommand({
              TableName: this.table,
              Key: { tenant_id: t.tenant_id, event_id: t.event_id },
              UpdateExpression: 'SET #s = :s',
              ConditionExpression: '#d = :d AND attribute_not_exists(#s)',
              ExpressionAttributeNames: names,
              ExpressionAttributeValues: { ':d': t.deleted_at, ':s': tombstoneShard(t.event_id) },
            }),
          ),
        )) !== undefined,
    );
  }

  /**
   * Removes a tombstone, only if it is still the tombstone read (the same `deleted_at`): an event
   * created again with the same id after the tombstone was read (no `deleted_at`), or deleted again
   * (a later one), stays. `false` when it was not there: another sweep or TTL removed it first, or
   * the id was reused. (A resend of a removal whose answer was lost also finds it gone, so a removal
   * can go uncounted; none is counted twice.)
   */
  async remove(tenantId: string, eventId: string, deletedAt: string): Promise<boolean> {
    const out = await ifConditionHolds(
      this.doc.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { tenant_id: tenantId, event_id: eventId },
          ConditionExpression: '#d = :d',
          ExpressionAttributeNames: { '#d': DELETED },
          ExpressionAttributeValues: { ':d': deletedAt },
        }),
      ),
    );
    return out !== undefined;
  }
}

// API key records in DynamoDB: create, look up by hash (GSI), read by id, and the lifecycle
// transitions (rotate, revoke, expire), each a conditional write because dynalite has no transactions.
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  ScanCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { ApiKeyRecord } from '../domain/api-key.js';
import { ifConditionHolds, landedOrConditionFailed } from './conditional-write.js';

/** Reads and writes key records. */
export class ApiKeysStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Inserts a new key version; fails if the id already exists (and holds another key). */
  async create(record: ApiKeyRecord): Promise<void> {
    const landed = await landedOrConditionFailed(
      this.doc.send(new PutCommand({ TableName: this.table, Item: record, ConditionExpression: 'attribute_not_exists(key_id)' })),
      async () => (await this.get(record.key_id))?.key_hash === record.key_hash,
    );
    if (!landed) throw new Error(`key id ${record.key_id} is taken by another key`);
  }

  async get(keyId: string): Promise<ApiKeyRecord | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { key_id: keyId }, ConsistentRead: true }));
    return Item as ApiKeyRecord | undefined;
  }

  /** Finds the key whose SHA-256 is `keyHash`. */
  async findByHash(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const { Items } = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'key-hash-index',
        KeyConditionExpression: 'key_hash = :h',
        ExpressionAttributeValues: { ':h': keyHash },
        Limit: 1,
      }),
    );
    return Items?.[0] as ApiKeyRecord | undefined;
  }

  /**
   * Marks `keyId` as replaced by `nextKeyId`, only while it is still the active, unreplaced version:
   * of two concurrent rotations exactly one wins. Returns false when it lost or the key changed; true
   * when this claim landed, also if a resend of it found its own first attempt there.
   */
  async claimRotation(
    keyId: string,
    nextKeyId: string,
    old: { status: 'rotating' | 'expired'; rotated_at: string; expires_at: string },
  ): Promise<boolean> {
    return landedOrConditionFailed(
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { key_id: keyId },
          UpdateExpression: 'SET #s = :s, rotated_at = :r, expires_at = :e, next_version = :n',
          ConditionExpression: 'attribute_exists(key_id) AND (attribute_not_exists(#s) OR #s = :active) AND attribute_not_exists(next_version)',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':s': old.status, ':r': old.rotated_at, ':e': old.expires_at, ':n': nextKeyId, ':active': 'active' },
        }),
      ),
      async () => (await this.get(keyId))?.next_version === nextKeyId,
    );
  }

  /** Removes a version that never took effect (the loser of a concurrent rotation). */
  async delete(keyId: string): Promise<void> {
    await this.doc.send(new DeleteCommand({ TableName: this.table, Key: { key_id: keyId } }));
  }

  /** Revokes `keyId` now; returns the revoked record, or undefined when there is no such key. */
  async revoke(keyId: string, at: string): Promise<ApiKeyRecord | undefined> {
    const out = await ifConditionHolds(
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { key_id: keyId },
          UpdateExpression: 'SET #s = :revoked, revoked_at = :at',
          ConditionExpression: 'attribute_exists(key_id) AND (attribute_not_exists(#s) OR #s <> :revoked)',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':revoked': 'revoked', ':at': at },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    // Condition failed: already revoked (idempotent) or absent.
    return out ? (out.Attributes as ApiKeyRecord) : this.get(keyId);
  }

  /**
   * Marks a rotating version whose `expires_at` has passed as expired; false if it changed meanwhile
   * (another instance of the job marked it). `by`, a fresh id per call, is stored as `expired_by`: it tells
   * this call's own resend from that instance's write, so exactly one of them reports (and audits) the expiry.
   */
  async markExpired(keyId: string, nowIso: string, by: string): Promise<boolean> {
    return landedOrConditionFailed(
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { key_id: keyId },
          UpdateExpression: 'SET #s = :expired, expired_by = :by',
          ConditionExpression: '#s = :rotating AND expires_at <= :now',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':expired': 'expired', ':rotating': 'rotating', ':now': nowIso, ':by': by },
        }),
      ),
      async () => (await this.get(keyId))?.expired_by === by,
    );
  }

  /** Every version of a lineage in the tenant, oldest first (ids are time-ordered). */
  async listLineage(tenantId: string, lineageId: string): Promise<ApiKeyRecord[]> {
    const out: ApiKeyRecord[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'tenant-index',
          KeyConditionExpression: 'tenant_id = :t',
          ExpressionAttributeValues: { ':t': tenantId },
          ExclusiveStartKey: start,
        }),
      );
      // Filtered here: key_id is the index's sort key, which a FilterExpression may not name.
      out.push(...((page.Items ?? []) as ApiKeyRecord[]).filter((k) => (k.lineage_id ?? k.key_id) === lineageId));
      start = page.LastEvaluatedKey;
    } while (start);
    return out.sort((a, b) => (a.version ?? 1) - (b.version ?? 1));
  }

  /** Scans for records matching `filter`, or all (the expiry job and the migration; small tables). */
  async *scan(filter?: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> }): AsyncGenerator<ApiKeyRecord> {
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new ScanCommand({
          TableName: this.table,
          FilterExpression: filter?.expression,
          ExpressionAttributeNames: filter?.names,
          ExpressionAttributeValues: filter?.values,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) yield item as ApiKeyRecord;
      start = page.LastEvaluatedKey;
    } while (start);
  }

  /** Sends a conditional update; false when its condition failed (another writer changed the item). */
  async conditional(command: UpdateCommand): Promise<boolean> {
    return (await ifConditionHolds(this.doc.send(command))) !== undefined;
  }
}

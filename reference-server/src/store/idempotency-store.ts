// Idempotency records: the first request with a key claims it with a conditional write and fixes
// the event id and creation time, so every duplicate (concurrent or later) builds the same event.
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ifConditionHolds } from './conditional-write.js';

/** What the first request with an idempotency key decided. */
export interface IdempotencyRecord {
  idem_key: string;
  fingerprint: string;
  resource_id: string;
  created_at: string;
  /** Epoch seconds; an expired record no longer binds its key. */
  expires_at: number;
}

/** Claim outcome: this request owns the key, or an earlier request already does. */
export type Claim = { owner: true; record: IdempotencyRecord } | { owner: false; record: IdempotencyRecord };

export class IdempotencyStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * Claims `record.idem_key` unless an unexpired record holds it; returns the winner's record.
   * dynalite has no TTL deletion, so an expired record is overwritten here and ignored on read.
   */
  async claim(record: IdempotencyRecord, nowSeconds: number): Promise<Claim> {
    const claimed = await ifConditionHolds(
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: record,
          ConditionExpression: 'attribute_not_exists(idem_key) OR expires_at < :now',
          ExpressionAttributeValues: { ':now': nowSeconds },
        }),
      ),
    );
    if (claimed) return { owner: true, record };
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { idem_key: record.idem_key }, ConsistentRead: true }),
    );
    // Deleted between our write and read (should not happen): let the caller retry as the owner.
    if (!Item) return this.claim(record, nowSeconds);
    // Our own claim, landed by a first attempt whose answer was lost (the SDK's resend found it): the
    // fresh resource id is ours alone.
    if (Item.resource_id === record.resource_id) return { owner: true, record };
    return { owner: false, record: Item as IdempotencyRecord };
  }
}

// The fan-out lease: one item (in the delivery table, outside both of its indexes, keyed so no
// delivery id can collide) naming which worker process may create deliveries until when. Taking or
// renewing it is one conditional write; everything fan-out writes under it is fenced by its expiry.
import { UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ifConditionHolds } from './conditional-write.js';

/** The lease item's key; delivery ids are `dlv_` + hex, so this never names a delivery. */
export const FANOUT_LEASE_ID = 'lease#fanout';

export class FanoutLeaseStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * Takes or renews the lease for `holder` until `until`, if nobody holds it, `holder` already does,
   * or the current one ran out by `now`. `true` when `holder` now holds it.
   */
  async acquire(holder: string, now: number, until: number): Promise<boolean> {
    const done = await ifConditionHolds(
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { delivery_id: FANOUT_LEASE_ID },
          UpdateExpression: 'SET holder = :me, lease_until = :until',
          ConditionExpression: 'attribute_not_exists(delivery_id) OR holder = :me OR lease_until <= :now',
          ExpressionAttributeValues: { ':me': holder, ':until': until, ':now': now },
        }),
      ),
    );
    return done !== undefined;
  }

  /** Gives the lease up (if `holder` still has it) so another process can take over at once. */
  async release(holder: string, signal?: AbortSignal): Promise<void> {
    await ifConditionHolds(
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { delivery_id: FANOUT_LEASE_ID },
          UpdateExpression: 'SET lease_until = :zero',
          ConditionExpression: 'holder = :me',
          ExpressionAttributeValues: { ':me': holder, ':zero': 0 },
        }),
        { abortSignal: signal },
      ),
    );
  }
}

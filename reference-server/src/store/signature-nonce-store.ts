// Signatures already used, kept for the timestamp tolerance so a replay is refused on every server
// instance. dynalite has no TTL deletion: an expired record is overwritten here and ignored.
import { PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ifConditionHolds } from './conditional-write.js';

export class SignatureNonceStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * Records `nonce` until `expiresAtS` (epoch seconds). Returns true the first time, false when an
   * unexpired record already holds it (a replay).
   */
  async remember(nonce: string, expiresAtS: number, nowS: number): Promise<boolean> {
    const written = await ifConditionHolds(
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { nonce, expires_at: expiresAtS, ttl: expiresAtS },
          ConditionExpression: 'attribute_not_exists(nonce) OR expires_at < :now',
          ExpressionAttributeValues: { ':now': nowS },
        }),
      ),
    );
    return written !== undefined;
  }
}

// BatchGetItem until every key is answered: DynamoDB answers at most 100 keys per call and may hand
// some back as UnprocessedKeys (throttling), which must be asked again, not taken for missing items.
import { BatchGetCommand, type BatchGetCommandOutput, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** BatchGetItem's limit on keys per call. */
export const BATCH_GET_MAX = 100;

/** Rounds of unprocessed keys asked again before giving up, with backoff between them. */
const ROUNDS = 8;

/**
 * The items of `keys` in `table` that exist, read consistently, with only `projection`'s attributes.
 * Throws a ThrottlingException when keys stay unprocessed after the rounds.
 */
export async function batchGetAll(
  doc: DynamoDBDocumentClient,
  table: string,
  keys: readonly Record<string, unknown>[],
  projection: { ProjectionExpression: string; ExpressionAttributeNames?: Record<string, string> },
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  for (let i = 0; i < keys.length; i += BATCH_GET_MAX) {
    let pending: Record<string, unknown>[] | undefined = keys.slice(i, i + BATCH_GET_MAX);
    for (let round = 0; pending && pending.length > 0; round++) {
      if (round >= ROUNDS) throw Object.assign(new Error('BatchGetItem left keys unprocessed after retries'), { name: 'ThrottlingException' });
      if (round > 0) await new Promise((r) => setTimeout(r, Math.min(1_000, 20 * 2 ** round)));
      const out: BatchGetCommandOutput = await doc.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true, ...projection } } }));
      found.push(...(out.Responses?.[table] ?? []));
      pending = out.UnprocessedKeys?.[table]?.Keys;
    }
  }
  return found;
}

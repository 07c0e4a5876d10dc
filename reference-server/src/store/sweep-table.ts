// Walks what a filtered scan finds: deletes it (the sweep for tables whose items carry a `ttl` on
// backends that never expire items, as dynalite, or expire them late, as DynamoDB does by up to days),
// or hands each item to a change of its own (the backfills after an index was added to a table).
import { ScanCommand, type DynamoDBDocumentClient, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import { batchWriteAll, chunks25 } from './batch-write.js';

/**
 * Scans `table` with `filter` (which must project the key attributes only) and deletes every match;
 * returns how many were deleted.
 */
export async function sweepTable(
  doc: DynamoDBDocumentClient,
  table: string,
  filter: Pick<ScanCommandInput, 'FilterExpression' | 'ProjectionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>,
): Promise<number> {
  let deleted = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ TableName: table, ...filter, ExclusiveStartKey: startKey }));
    for (const chunk of chunks25(page.Items ?? [])) {
      await batchWriteAll(doc, { [table]: chunk.map((Key) => ({ DeleteRequest: { Key } })) });
      deleted += chunk.length;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return deleted;
}

/**
 * Scans `table` with `filter` and calls `each` on every match, one at a time; returns how many of those
 * calls answered true (the items it changed).
 */
export async function scanEach<T>(
  doc: DynamoDBDocumentClient,
  table: string,
  filter: Pick<ScanCommandInput, 'FilterExpression' | 'ProjectionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues' | 'ConsistentRead'>,
  each: (item: T) => Promise<boolean>,
): Promise<number> {
  let changed = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ TableName: table, ...filter, ExclusiveStartKey: startKey }));
    for (const item of (page.Items ?? []) as T[]) if (await each(item)) changed++;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return changed;
}

// Deletes what a filtered scan finds: the sweep for tables whose items carry a `ttl` on backends that
// never expire items (dynalite) or expire them late (DynamoDB deletes up to days after).
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

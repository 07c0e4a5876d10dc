// Repairs the webhooks table's listing index (api-key-is-active-index) where it disagrees with the
// table: fan-out finds a tenant's active webhooks only through that index, so a webhook whose index
// entry was lost (the embedded store killed between the two writes) would get no deliveries at all.
import { PutCommand, ScanCommand, type DynamoDBDocumentClient, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import { ifConditionHolds } from './conditional-write.js';

const INDEX = 'api-key-is-active-index';

/**
 * Compares every webhook (a consistent Scan of the table) with its index entry (a Scan of the index)
 * and writes back, unchanged, each one whose entry is missing or stale, which makes the store write
 * the entry again. The rewrite is conditional on `updated_at`, so it never undoes a concurrent edit.
 * Returns the ids it repaired. Cost: two paged scans of the table; the sweep runs it rarely.
 */
export async function repairWebhooksIndex(doc: DynamoDBDocumentClient, table: string): Promise<string[]> {
  const indexed = new Map<string, string>();
  for (const e of await scanAll(doc, { TableName: table, IndexName: INDEX, ProjectionExpression: 'webhook_id, active_key, updated_at' })) {
    indexed.set(e.webhook_id as string, `${String(e.active_key)}|${String(e.updated_at)}`);
  }
  const repaired: string[] = [];
  for (const item of await scanAll(doc, { TableName: table, ConsistentRead: true })) {
    if (item.tenant_id === undefined || item.active_key === undefined) continue; // not in the index by design
    if (indexed.get(item.webhook_id as string) === `${String(item.active_key)}|${String(item.updated_at)}`) continue;
    const done = await ifConditionHolds(
      doc.send(new PutCommand({ TableName: table, Item: item, ConditionExpression: 'updated_at = :u', ExpressionAttributeValues: { ':u': item.updated_at } })),
    );
    if (done !== undefined) repaired.push(item.webhook_id as string);
  }
  return repaired;
}

async function scanAll(doc: DynamoDBDocumentClient, input: ScanCommandInput): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

// The dead-letter queue: one entry per exhausted delivery, per tenant, holding why it died.
// Entries are keyed by delivery id, so writing one twice (a retried move) is harmless.
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ifConditionHolds } from './conditional-write.js';

export interface DlqEntry {
  tenant_id: string;
  delivery_id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  reason: string;
  attempts: number;
  dead_at: string;
}

export class DlqStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async put(entry: DlqEntry): Promise<void> {
    await this.doc.send(new PutCommand({ TableName: this.table, Item: entry }));
  }

  async get(tenantId: string, deliveryId: string): Promise<DlqEntry | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { tenant_id: tenantId, delivery_id: deliveryId }, ConsistentRead: true }));
    return Item as DlqEntry | undefined;
  }

  /**
   * Removes a delivery's entry; with `deadAt`, only the entry of that dead-lettering. A replay removes
   * the entry after requeueing the delivery, and the delivery can die again meanwhile: its new entry
   * (a later `dead_at`) must stay, or a dead delivery would be missing from the DLQ for good.
   * `false` when the entry of `deadAt` was not there.
   */
  async remove(tenantId: string, deliveryId: string, deadAt?: string): Promise<boolean> {
    const Key = { tenant_id: tenantId, delivery_id: deliveryId };
    if (deadAt === undefined) {
      await this.doc.send(new DeleteCommand({ TableName: this.table, Key }));
      return true;
    }
    const done = await ifConditionHolds(this.doc.send(new DeleteCommand({ TableName: this.table, Key, ConditionExpression: 'dead_at = :d', ExpressionAttributeValues: { ':d': deadAt } })));
    return done !== undefined;
  }

  /**
   * A tenant's entries in delivery id order after `after`, at most `limit`, and `last` (where the next
   * page starts) only when more follow. The webhook filter is applied by DynamoDB after reading, so this
   * reads on until the page is full or the entries end: a page is never short while more match.
   */
  async list(tenantId: string, opts: { limit: number; after?: string; webhookId?: string }): Promise<{ entries: DlqEntry[]; last?: string }> {
    const entries: DlqEntry[] = [];
    let startKey: Record<string, unknown> | undefined = opts.after ? { tenant_id: tenantId, delivery_id: opts.after } : undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'tenant_id = :t',
          FilterExpression: opts.webhookId ? 'webhook_id = :w' : undefined,
          ExpressionAttributeValues: { ':t': tenantId, ...(opts.webhookId ? { ':w': opts.webhookId } : {}) },
          ExclusiveStartKey: startKey,
          Limit: opts.limit + 1 - entries.length,
        }),
      );
      entries.push(...((page.Items ?? []) as DlqEntry[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey && entries.length <= opts.limit);
    // One entry more than the page tells whether another page exists, without a trailing empty page.
    if (entries.length <= opts.limit) return { entries };
    entries.length = opts.limit;
    return { entries, last: entries[opts.limit - 1]!.delivery_id };
  }

  /**
   * One page of entries across all tenants (at most `limit` read) and where the next page starts
   * (`undefined` after the last): the reconciliation sweep walks the table with it.
   */
  async page(limit: number, startKey?: Record<string, unknown>): Promise<{ entries: Pick<DlqEntry, 'tenant_id' | 'delivery_id' | 'dead_at'>[]; next?: Record<string, unknown> }> {
    const page = await this.doc.send(
      new ScanCommand({ TableName: this.table, ProjectionExpression: 'tenant_id, delivery_id, dead_at', ExclusiveStartKey: startKey, Limit: limit, ConsistentRead: true }),
    );
    return { entries: (page.Items ?? []) as Pick<DlqEntry, 'tenant_id' | 'delivery_id' | 'dead_at'>[], next: page.LastEvaluatedKey };
  }

  /** Number of entries across all tenants (for the DLQ depth gauge). */
  async count(): Promise<number> {
    let total = 0;
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(new ScanCommand({ TableName: this.table, Select: 'COUNT', ExclusiveStartKey: startKey }));
      total += page.Count ?? 0;
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return total;
  }
}

// The dead-letter queue: one entry per exhausted delivery, per tenant, holding why it died.
// Entries are keyed by delivery id, so writing one twice (a retried move) is harmless. Each also
// carries DEAD_KEY, which orders the tenant's and each webhook's entries by when they died.
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ifConditionHolds } from './conditional-write.js';
import { scanEach } from './sweep-table.js';

/**
 * `dead_at#delivery_id`: the sort key of the DLQ's two indexes (tables.ts). `dead_at` is ISO-8601 UTC
 * of fixed width, so the text sorts by time; the id makes it unique, so entries that died in the same
 * millisecond keep one order and a page boundary between them skips and repeats nothing.
 */
export const DEAD_KEY = 'dead_key';

/** An entry's DEAD_KEY. */
export const deadKeyOf = (e: Pick<DlqEntry, 'dead_at' | 'delivery_id'>): string => `${e.dead_at}#${e.delivery_id}`;

/** The delivery id in a DEAD_KEY, or `undefined` when the text is not one (a forged cursor). */
export function deliveryIdOfDeadKey(key: string): string | undefined {
  const m = /^\d{4}-\d{2}-\d{2}T[0-9:.]+Z#([A-Za-z0-9_]+)$/.exec(key);
  return m?.[1];
}

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
    await this.doc.send(new PutCommand({ TableName: this.table, Item: { ...entry, [DEAD_KEY]: deadKeyOf(entry) } }));
  }

  async get(tenantId: string, deliveryId: string): Promise<DlqEntry | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { tenant_id: tenantId, delivery_id: deliveryId }, ConsistentRead: true }));
    return Item && withoutDeadKey(Item);
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
   * A tenant's entries (one webhook's with `webhookId`) in the order they died, oldest first or with
   * `newestFirst` newest first, after the position `after` (a DEAD_KEY, as `last` returns it), at most
   * `limit`, and `last` only when more follow. Read from the indexes over DEAD_KEY, so any number of
   * entries pages completely, and entries dying meanwhile appear at their place in time.
   */
  async list(tenantId: string, opts: { limit: number; after?: string; webhookId?: string; newestFirst?: boolean }): Promise<{ entries: DlqEntry[]; last?: string }> {
    const entries: DlqEntry[] = [];
    const afterId = opts.after === undefined ? undefined : deliveryIdOfDeadKey(opts.after);
    if (opts.after !== undefined && afterId === undefined) throw new RangeError(`not a DLQ position: ${opts.after}`);
    const position = opts.after === undefined ? undefined : { tenant_id: tenantId, delivery_id: afterId, [DEAD_KEY]: opts.after };
    let startKey: Record<string, unknown> | undefined = position && (opts.webhookId ? { ...position, webhook_id: opts.webhookId } : position);
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          ...(opts.webhookId
            ? {
                // Webhook ids are unique across tenants; the filter keeps another tenant's id from listing anything.
                IndexName: 'webhook-dead-index',
                KeyConditionExpression: 'webhook_id = :w',
                FilterExpression: 'tenant_id = :t',
                ExpressionAttributeValues: { ':w': opts.webhookId, ':t': tenantId },
              }
            : { IndexName: 'tenant-dead-index', KeyConditionExpression: 'tenant_id = :t', ExpressionAttributeValues: { ':t': tenantId } }),
          ScanIndexForward: opts.newestFirst !== true,
          ExclusiveStartKey: startKey,
          Limit: opts.limit + 1 - entries.length,
        }),
      );
      entries.push(...(page.Items ?? []).map(withoutDeadKey));
      startKey = page.LastEvaluatedKey;
    } while (startKey && entries.length <= opts.limit);
    // One entry more than the page tells whether another page exists, without a trailing empty page.
    if (entries.length <= opts.limit) return { entries };
    entries.length = opts.limit;
    return { entries, last: deadKeyOf(entries[opts.limit - 1]!) };
  }

  /**
   * Gives an entry written without DEAD_KEY (before the indexes existed, or by an older process) its
   * key, so the listing finds it; only while it is the entry of that `dead_at`. `false` when it was
   * not there or had one already.
   */
  async addDeadKey(entry: Pick<DlqEntry, 'tenant_id' | 'delivery_id' | 'dead_at'>): Promise<boolean> {
    const done = await ifConditionHolds(
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { tenant_id: entry.tenant_id, delivery_id: entry.delivery_id },
          UpdateExpression: 'SET #k = :k',
          ConditionExpression: 'dead_at = :d AND attribute_not_exists(#k)',
          ExpressionAttributeNames: { '#k': DEAD_KEY },
          ExpressionAttributeValues: { ':k': deadKeyOf(entry), ':d': entry.dead_at },
        }),
      ),
    );
    return done !== undefined;
  }

  /** Gives every entry without DEAD_KEY its key (after the indexes were added to an older table); how many it changed. */
  async backfillDeadKeys(): Promise<number> {
    return scanEach<Pick<DlqEntry, 'tenant_id' | 'delivery_id' | 'dead_at'>>(
      this.doc,
      this.table,
      { ProjectionExpression: 'tenant_id, delivery_id, dead_at', FilterExpression: 'attribute_not_exists(#k)', ExpressionAttributeNames: { '#k': DEAD_KEY }, ConsistentRead: true },
      (entry) => this.addDeadKey(entry),
    );
  }

  /**
   * One page of entries across all tenants (at most `limit` read) and where the next page starts
   * (`undefined` after the last): the reconciliation sweep walks the table with it.
   */
  async page(limit: number, startKey?: Record<string, unknown>): Promise<{ entries: PagedEntry[]; next?: Record<string, unknown> }> {
    const page = await this.doc.send(
      new ScanCommand({ TableName: this.table, ProjectionExpression: `tenant_id, delivery_id, dead_at, ${DEAD_KEY}`, ExclusiveStartKey: startKey, Limit: limit, ConsistentRead: true }),
    );
    return { entries: (page.Items ?? []) as PagedEntry[], next: page.LastEvaluatedKey };
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

/** What `page` reads of an entry: its key, `dead_at`, and DEAD_KEY when it has one. */
export type PagedEntry = Pick<DlqEntry, 'tenant_id' | 'delivery_id' | 'dead_at'> & { [DEAD_KEY]?: string };

function withoutDeadKey(item: Record<string, unknown>): DlqEntry {
  const { [DEAD_KEY]: _key, ...entry } = item;
  return entry as unknown as DlqEntry;
}

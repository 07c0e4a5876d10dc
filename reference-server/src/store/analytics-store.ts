// Aggregate rows in `triggers-api-analytics`. A batch's delta is applied to a row at most once per
// feed: the row remembers, per feed, the sequence number of the last batch it absorbed (`wm:<feed>`),
// and the write is a read-merge-put guarded by the row's version. Histograms cannot be added inside
// DynamoDB, so the merge happens here; the version condition makes concurrent merges safe.
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  addCounts,
  emptyCounts,
  ttlOf,
  type AggregateCounts,
  type AggregateRow,
  type MetricType,
  type RowKey,
} from '../domain/analytics.js';
import { ifConditionHolds } from './conditional-write.js';
import { sweepTable } from './sweep-table.js';

const series = (tenantId: string, metricType: MetricType) => `${tenantId}#${metricType}`;
const watermark = (feed: string) => `wm:${feed}`;

/** How many times a merge is retried when other writers keep changing the row. */
const MERGE_ATTEMPTS = 50;

export class AnalyticsStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /**
   * Adds `delta` to the row unless this feed's batch `seq` (or a later one) is already in it.
   * `true` when this call applied it.
   */
  async apply(key: RowKey, delta: AggregateCounts, feed: string, seq: number): Promise<boolean> {
    const wm = watermark(feed);
    for (let attempt = 0; attempt < MERGE_ATTEMPTS; attempt++) {
      const { Item } = await this.doc.send(
        new GetCommand({ TableName: this.table, Key: { series: series(key.tenant_id, key.metric_type), period: key.period }, ConsistentRead: true }),
      );
      if (Item && typeof Item[wm] === 'number' && Item[wm] >= seq) return false;
      const version = (Item?.version as number | undefined) ?? 0;
      const merged = addCounts(Item ? countsOf(Item) : emptyCounts(), delta);
      const written = await ifConditionHolds(
        this.doc.send(
          new PutCommand({
            TableName: this.table,
            Item: {
              ...(Item ?? {}),
              ...key,
              series: series(key.tenant_id, key.metric_type),
              ...merged,
              ttl: ttlOf(key.metric_type, key.period),
              version: version + 1,
              [wm]: seq,
            },
            ConditionExpression: Item ? 'version = :v' : 'attribute_not_exists(series)',
            ExpressionAttributeValues: Item ? { ':v': version } : undefined,
          }),
        ),
      );
      if (written) return true;
      // Another writer merged first; spread the retries so two writers do not collide in lockstep.
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(100, 2 ** attempt)));
    }
    const err = new Error(`analytics row ${key.tenant_id}/${key.metric_type}/${key.period} kept changing; will retry the batch`);
    err.name = 'ThrottlingException';
    throw err;
  }

  /** Rows of one tenant and granularity with `from ≤ period ≤ to`, in order, without expired ones. */
  async query(
    tenantId: string,
    metricType: MetricType,
    range: { from: string; to: string; after?: string; limit: number; nowMs: number },
  ): Promise<{ rows: AggregateRow[]; last?: string }> {
    const rows: AggregateRow[] = [];
    let startKey: Record<string, unknown> | undefined = range.after ? { series: series(tenantId, metricType), period: range.after } : undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'series = :s AND period BETWEEN :from AND :to',
          // DynamoDB's own TTL deletes rows up to days late, and dynalite never does: filter on read.
          FilterExpression: '#ttl > :now',
          ExpressionAttributeNames: { '#ttl': 'ttl' },
          ExpressionAttributeValues: { ':s': series(tenantId, metricType), ':from': range.from, ':to': range.to, ':now': Math.floor(range.nowMs / 1000) },
          ExclusiveStartKey: startKey,
          Limit: range.limit - rows.length,
          ConsistentRead: true,
        }),
      );
      rows.push(...(page.Items ?? []).map(rowOf));
      startKey = page.LastEvaluatedKey;
    } while (startKey && rows.length < range.limit);
    return { rows, last: startKey ? (startKey.period as string) : undefined };
  }

  /** Deletes rows past their ttl (for backends that do not expire items); returns how many. */
  sweepExpired(nowMs: number): Promise<number> {
    return sweepTable(this.doc, this.table, {
      FilterExpression: '#ttl <= :now',
      ProjectionExpression: 'series, period',
      ExpressionAttributeNames: { '#ttl': 'ttl' },
      ExpressionAttributeValues: { ':now': Math.floor(nowMs / 1000) },
    });
  }
}

function countsOf(item: Record<string, unknown>): AggregateCounts {
  return {
    event_count: (item.event_count as number | undefined) ?? 0,
    source_distribution: (item.source_distribution as Record<string, number> | undefined) ?? {},
    event_type_distribution: (item.event_type_distribution as Record<string, number> | undefined) ?? {},
    request_count: (item.request_count as number | undefined) ?? 0,
    request_error_count: (item.request_error_count as number | undefined) ?? 0,
    delivery_count: (item.delivery_count as number | undefined) ?? 0,
    delivery_error_count: (item.delivery_error_count as number | undefined) ?? 0,
    latency_histogram: (item.latency_histogram as string | undefined) ?? '',
  };
}

function rowOf(item: Record<string, unknown>): AggregateRow {
  return {
    tenant_id: item.tenant_id as string,
    metric_type: item.metric_type as MetricType,
    period: item.period as string,
    ttl: item.ttl as number,
    ...countsOf(item),
  };
}

// Audit entries in DynamoDB: one partition per chain, sorted by `seq`. Appends are conditional puts
// on a new `seq`, so concurrent writers (in any process) can never both take the same index.
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '../domain/audit-chain.js';
import { landedOrConditionFailed } from './conditional-write.js';

/** The chain every entry of this server belongs to. */
export const AUDIT_CHAIN = 'main';

/** Filters for listing; all optional, combined with AND. */
export interface AuditQuery {
  action?: string;
  actor?: string;
  tenantId?: string;
  /** ISO instants, inclusive. */
  from?: string;
  to?: string;
  /** List entries with a smaller seq than this (newest first). */
  beforeSeq?: number;
  limit: number;
}

export class AuditStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** The newest entry, read consistently; undefined for an empty chain. */
  async head(): Promise<AuditEntry | undefined> {
    const { Items } = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'chain = :c',
        ExpressionAttributeValues: { ':c': AUDIT_CHAIN },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    return Items?.[0] as AuditEntry | undefined;
  }

  /**
   * Writes `entry` at its seq unless that index is taken; false when another writer got there first.
   * True when this entry is there, also if a resend found its own first attempt (by `entry_id`).
   */
  async append(entry: AuditEntry): Promise<boolean> {
    return landedOrConditionFailed(
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { chain: AUDIT_CHAIN, ...entry },
          ConditionExpression: 'attribute_not_exists(seq)',
        }),
      ),
      async () => (await this.get(entry.seq))?.entry_id === entry.entry_id,
    );
  }

  async get(seq: number): Promise<AuditEntry | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { chain: AUDIT_CHAIN, seq }, ConsistentRead: true }),
    );
    return Item as AuditEntry | undefined;
  }

  /** Entries with `from <= seq <= to`, oldest first. */
  async range(from: number, to: number): Promise<AuditEntry[]> {
    const out: AuditEntry[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'chain = :c AND seq BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':c': AUDIT_CHAIN, ':from': from, ':to': to },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      out.push(...((page.Items ?? []) as AuditEntry[]));
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /**
   * Newest first, filtered. Reads at most 20 pages per call, so a rare filter cannot make one
   * request scan the whole log; `nextBeforeSeq` continues where this call stopped.
   */
  async list(q: AuditQuery): Promise<{ entries: AuditEntry[]; nextBeforeSeq?: number }> {
    const filters: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':c': AUDIT_CHAIN };
    const add = (attr: string, op: string, value: unknown, placeholder: string) => {
      names[`#${placeholder}`] = attr;
      values[`:${placeholder}`] = value;
      filters.push(`#${placeholder} ${op} :${placeholder}`);
    };
    if (q.action !== undefined) add('action', '=', q.action, 'action');
    if (q.actor !== undefined) add('actor', '=', q.actor, 'actor');
    if (q.tenantId !== undefined) add('tenant_id', '=', q.tenantId, 'tenant');
    if (q.from !== undefined) add('at', '>=', q.from, 'from');
    if (q.to !== undefined) add('at', '<=', q.to, 'to');
    let keyCondition = 'chain = :c';
    if (q.beforeSeq !== undefined) {
      keyCondition += ' AND seq < :before';
      values[':before'] = q.beforeSeq;
    }
    const entries: AuditEntry[] = [];
    let start: Record<string, unknown> | undefined;
    for (let pages = 0; pages < 20; pages++) {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: keyCondition,
          FilterExpression: filters.length ? filters.join(' AND ') : undefined,
          ExpressionAttributeNames: filters.length ? names : undefined,
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          Limit: Math.max(q.limit - entries.length, 1) * (filters.length ? 4 : 1),
          ExclusiveStartKey: start,
        }),
      );
      for (const item of (page.Items ?? []) as AuditEntry[]) {
        if (entries.length === q.limit) return { entries, nextBeforeSeq: entries[entries.length - 1]!.seq };
        entries.push(item);
      }
      start = page.LastEvaluatedKey;
      if (!start) return { entries };
      if (entries.length === q.limit) return { entries, nextBeforeSeq: entries[entries.length - 1]!.seq };
    }
    const lastSeq = Number(start?.seq);
    return { entries, nextBeforeSeq: Number.isFinite(lastSeq) ? lastSeq : undefined };
  }
}

// Webhook records: CRUD scoped by tenant, listing through the api-key-is-active-index GSI
// (partition tenant_id, sort active_key '1'/'0'), and health bookkeeping for auto-disable.
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { WebhookRecord } from '../domain/webhook.js';
import { ifConditionHolds, landedOrConditionFailed } from './conditional-write.js';
import { repairWebhooksIndex } from './webhooks-index-repair.js';

export interface WebhookPage {
  webhooks: WebhookRecord[];
  /** Resume position: `${active_key}|${webhook_id}`. */
  last?: string;
}

/** How old a tenant's active-webhook list may be when fan-out uses it, on the caller's clock. */
export interface ListFreshness {
  now: number;
  maxAgeMs: number;
}

/** Tenants whose lists are kept at most; beyond it they are all dropped (memory stays bounded). */
const KEPT_TENANTS = 10_000;

export class WebhooksStore {
  // Active webhooks per tenant as last listed, for fan-out (one query per pass otherwise). Every write
  // through this store drops them all, and `generation` keeps a listing that overlapped a write out of
  // it, so this process sees its own changes at once; other processes' changes within `maxAgeMs`.
  private readonly active = new Map<string, { at: number; webhooks: WebhookRecord[] }>();
  private generation = 0;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Inserts a new webhook; fails if the id already exists (and holds another webhook). */
  async create(w: WebhookRecord): Promise<void> {
    const landed = await landedOrConditionFailed(
      this.changing(this.doc.send(new PutCommand({ TableName: this.table, Item: w, ConditionExpression: 'attribute_not_exists(webhook_id)' }))),
      async () => (await this.getAny(w.webhook_id))?.secret_enc === w.secret_enc,
    );
    if (!landed) throw new Error(`webhook id ${w.webhook_id} is taken by another webhook`);
  }

  /** The webhook if it exists and belongs to `tenantId` (another tenant's webhook reads as absent). */
  async get(tenantId: string, webhookId: string): Promise<WebhookRecord | undefined> {
    const w = await this.getAny(webhookId);
    return w?.tenant_id === tenantId ? w : undefined;
  }

  async getAny(webhookId: string): Promise<WebhookRecord | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { webhook_id: webhookId }, ConsistentRead: true }));
    return Item as WebhookRecord | undefined;
  }

  /** Replaces a webhook (read-modify-write guarded by updated_at so concurrent edits do not interleave). */
  async replace(next: WebhookRecord, expectedUpdatedAt: string): Promise<boolean> {
    const done = await ifConditionHolds(
      this.changing(
        this.doc.send(
          new PutCommand({
            TableName: this.table,
            Item: next,
            ConditionExpression: 'updated_at = :u AND tenant_id = :t',
            ExpressionAttributeValues: { ':u': expectedUpdatedAt, ':t': next.tenant_id },
          }),
        ),
      ),
    );
    return done !== undefined;
  }

  async delete(tenantId: string, webhookId: string): Promise<boolean> {
    const done = await ifConditionHolds(
      this.changing(
        this.doc.send(
          new DeleteCommand({ TableName: this.table, Key: { webhook_id: webhookId }, ConditionExpression: 'tenant_id = :t', ExpressionAttributeValues: { ':t': tenantId } }),
        ),
      ),
    );
    return done !== undefined;
  }

  /** Rewrites webhooks whose listing-index entry is missing or stale (see webhooks-index-repair.ts); their ids. */
  async repairIndex(): Promise<string[]> {
    const repaired = await this.changing(repairWebhooksIndex(this.doc, this.table));
    return repaired;
  }

  /** A page of the tenant's webhooks, optionally only active or inactive ones. */
  async list(tenantId: string, opts: { active?: boolean; limit: number; after?: string }): Promise<WebhookPage> {
    const [afterActive, afterId] = opts.after?.split('|') ?? [];
    const values: Record<string, unknown> = { ':t': tenantId };
    let condition = 'tenant_id = :t';
    if (opts.active !== undefined) {
      condition += ' AND active_key = :a';
      values[':a'] = opts.active ? '1' : '0';
    }
    const { Items, LastEvaluatedKey } = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'api-key-is-active-index',
        KeyConditionExpression: condition,
        ExpressionAttributeValues: values,
        Limit: opts.limit,
        ExclusiveStartKey: afterId ? { tenant_id: tenantId, active_key: afterActive, webhook_id: afterId } : undefined,
      }),
    );
    const webhooks = (Items ?? []) as WebhookRecord[];
    const lastKey = LastEvaluatedKey as { active_key?: string; webhook_id?: string } | undefined;
    return { webhooks, last: lastKey?.webhook_id ? `${lastKey.active_key}|${lastKey.webhook_id}` : undefined };
  }

  /**
   * Every active webhook of a tenant (fan-out reads this once per tenant per pass). With `fresh`, a list
   * read at most `fresh.maxAgeMs` ago may serve, unless this store has written a webhook since.
   */
  async activeFor(tenantId: string, fresh?: ListFreshness): Promise<WebhookRecord[]> {
    const kept = fresh && this.active.get(tenantId);
    if (kept && fresh.now >= kept.at && fresh.now - kept.at < fresh.maxAgeMs) return kept.webhooks;
    const generation = this.generation;
    const out: WebhookRecord[] = [];
    let after: string | undefined;
    do {
      const page = await this.list(tenantId, { active: true, limit: 100, after });
      out.push(...page.webhooks);
      after = page.last;
    } while (after);
    if (fresh && generation === this.generation) {
      if (this.active.size >= KEPT_TENANTS) this.active.clear();
      this.active.set(tenantId, { at: fresh.now, webhooks: out });
    }
    return out;
  }

  /** Runs a write, dropping the kept lists before and after it: a list read meanwhile is not kept. */
  private async changing<T>(write: Promise<T>): Promise<T> {
    this.generation++;
    this.active.clear();
    try {
      return await write;
    } finally {
      this.generation++;
      this.active.clear();
    }
  }

  /**
   * Records an exhausted delivery; disables the webhook once `threshold` happen in a row. `exhaustion`
   * names this dead-lettering (delivery id and time): a resend of the count whose first attempt landed
   * finds it recorded and does not count it twice.
   */
  async recordExhausted(webhookId: string, threshold: number, at: string, exhaustion: string): Promise<{ disabled: boolean }> {
    const out = await ifConditionHolds(
      this.changing(
        this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: { webhook_id: webhookId },
            UpdateExpression: 'SET consecutive_failures = if_not_exists(consecutive_failures, :zero) + :one, last_exhaustion = :x',
            ConditionExpression: 'attribute_exists(webhook_id) AND (attribute_not_exists(last_exhaustion) OR last_exhaustion <> :x)',
            ExpressionAttributeValues: { ':one': 1, ':zero': 0, ':x': exhaustion },
            ReturnValues: 'ALL_NEW',
          }),
        ),
      ),
    );
    // Without the update's result: gone, or this exhaustion already counted (by a first attempt whose
    // answer was lost), in which case the stored count is the one it made.
    const webhook = (out?.Attributes as WebhookRecord | undefined) ?? (await this.getAny(webhookId));
    if (webhook?.last_exhaustion !== exhaustion) return { disabled: false };
    const failures = webhook.consecutive_failures ?? 0;
    if (failures < threshold || webhook.is_active !== true) return { disabled: false };
    await this.disable(webhookId, `disabled after ${failures} consecutive failed deliveries`, at);
    return { disabled: true };
  }

  /** A successful delivery resets the failure streak. */
  async recordSuccess(webhookId: string): Promise<void> {
    await ifConditionHolds(
      this.changing(
        this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: { webhook_id: webhookId },
            UpdateExpression: 'SET consecutive_failures = :zero',
            ConditionExpression: 'attribute_exists(webhook_id) AND consecutive_failures <> :zero',
            ExpressionAttributeValues: { ':zero': 0 },
          }),
        ),
      ),
    );
  }

  async disable(webhookId: string, reason: string, at: string): Promise<void> {
    await ifConditionHolds(
      this.changing(
        this.doc.send(
          new UpdateCommand({
            TableName: this.table,
            Key: { webhook_id: webhookId },
            UpdateExpression: 'SET is_active = :f, active_key = :zero, disabled_reason = :r, updated_at = :at',
            ConditionExpression: 'attribute_exists(webhook_id)',
            ExpressionAttributeValues: { ':f': false, ':zero': '0', ':r': reason, ':at': at },
          }),
        ),
      ),
    );
  }
}

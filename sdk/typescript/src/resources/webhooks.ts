// Webhooks: registration and management, the synchronous test send, delivery history and metrics,
// the dead-letter queue and replays.
import type { CreateWebhookInput, CreatedWebhook, Delivery, DeliveryStatus, DlqEntry, Page, UpdateWebhookInput, Webhook, WebhookMetrics, WebhookTestResult } from '../models.js';
import { paginate } from '../paginate.js';
import { send, sendJson, type CallOptions, type TransportConfig } from '../transport.js';

export interface WebhookPage extends Page {
  webhooks: Webhook[];
}
export interface DeliveryPage extends Page {
  deliveries: Delivery[];
}
export interface DlqPage extends Page {
  entries: DlqEntry[];
}
export type WebhookListQuery = { is_active?: boolean; limit?: number };
/** `order`: `asc` (oldest first, the default) or `desc` (newest first). */
export type DeliveryListQuery = { status?: DeliveryStatus; limit?: number; order?: 'asc' | 'desc' };
export type DlqListQuery = { webhook_id?: string; limit?: number; order?: 'asc' | 'desc' };
type Cursor = { cursor?: string };

const path = (id: string, rest = '') => `/v1/webhooks/${encodeURIComponent(id)}${rest}`;

export class WebhooksResource {
  constructor(private readonly config: TransportConfig) {}

  /** Registers a webhook; the answer carries its `secret`, shown this once. */
  create(input: CreateWebhookInput, options: CallOptions = {}): Promise<CreatedWebhook> {
    return sendJson(this.config, { method: 'POST', path: '/v1/webhooks', body: input, signal: options.signal, onResponse: options.onResponse });
  }

  listPage(query: WebhookListQuery & Cursor = {}, options: CallOptions = {}): Promise<WebhookPage> {
    return sendJson(this.config, { method: 'GET', path: '/v1/webhooks', query: { ...query }, signal: options.signal, onResponse: options.onResponse });
  }

  /** Every webhook of your tenant, page by page as you iterate. */
  list(query: WebhookListQuery = {}, options: CallOptions = {}): AsyncGenerator<Webhook, void, undefined> {
    return paginate((cursor) => this.listPage({ ...query, cursor }, options), (p) => p.webhooks);
  }

  get(webhookId: string, options: CallOptions = {}): Promise<Webhook> {
    return sendJson(this.config, { method: 'GET', path: path(webhookId), signal: options.signal, onResponse: options.onResponse });
  }

  /** Changes any subset of the fields; ConflictError when it changed meanwhile. */
  update(webhookId: string, input: UpdateWebhookInput, options: CallOptions = {}): Promise<Webhook> {
    return sendJson(this.config, { method: 'PUT', path: path(webhookId), body: input, signal: options.signal, onResponse: options.onResponse });
  }

  async delete(webhookId: string, options: CallOptions = {}): Promise<void> {
    await send(this.config, { method: 'DELETE', path: path(webhookId), signal: options.signal, onResponse: options.onResponse });
  }

  /** Sends a signed `webhook.test` event now and returns the attempt. */
  test(webhookId: string, options: CallOptions = {}): Promise<WebhookTestResult> {
    return sendJson(this.config, { method: 'POST', path: path(webhookId, '/test'), signal: options.signal, onResponse: options.onResponse });
  }

  deliveriesPage(webhookId: string, query: DeliveryListQuery & Cursor = {}, options: CallOptions = {}): Promise<DeliveryPage> {
    return sendJson(this.config, { method: 'GET', path: path(webhookId, '/deliveries'), query: { ...query }, signal: options.signal, onResponse: options.onResponse });
  }

  /** The webhook's deliveries with every attempt, page by page as you iterate. */
  deliveries(webhookId: string, query: DeliveryListQuery = {}, options: CallOptions = {}): AsyncGenerator<Delivery, void, undefined> {
    return paginate((cursor) => this.deliveriesPage(webhookId, { ...query, cursor }, options), (p) => p.deliveries);
  }

  /** Success rate, latency percentiles and errors by class over the last `periodHours` (default 24). */
  metrics(webhookId: string, periodHours?: number, options: CallOptions = {}): Promise<WebhookMetrics> {
    return sendJson(this.config, { method: 'GET', path: path(webhookId, '/metrics'), query: { period_hours: periodHours }, signal: options.signal, onResponse: options.onResponse });
  }

  dlqPage(query: DlqListQuery & Cursor = {}, options: CallOptions = {}): Promise<DlqPage> {
    return sendJson(this.config, { method: 'GET', path: '/v1/webhooks/dlq', query: { ...query }, signal: options.signal, onResponse: options.onResponse });
  }

  /** Your tenant's dead-lettered deliveries, page by page as you iterate. */
  dlq(query: DlqListQuery = {}, options: CallOptions = {}): AsyncGenerator<DlqEntry, void, undefined> {
    return paginate((cursor) => this.dlqPage({ ...query, cursor }, options), (p) => p.entries);
  }

  /** Gives a dead-lettered delivery a fresh round of attempts (same delivery id). */
  replayDlq(deliveryId: string, options: CallOptions = {}): Promise<{ delivery_id: string; status: 'pending' }> {
    return sendJson(this.config, { method: 'POST', path: `/v1/webhooks/dlq/${encodeURIComponent(deliveryId)}/replay`, signal: options.signal, onResponse: options.onResponse });
  }

  /** Replays every dead delivery of the webhook created in [since, until]; idempotent. */
  replay(webhookId: string, window: { since: string | Date; until: string | Date }, options: CallOptions = {}): Promise<{ webhook_id: string; replayed: number }> {
    const iso = (d: string | Date) => (d instanceof Date ? d.toISOString() : d);
    return sendJson(this.config, { method: 'POST', path: path(webhookId, '/replay'), body: { since: iso(window.since), until: iso(window.until) }, signal: options.signal, onResponse: options.onResponse });
  }
}

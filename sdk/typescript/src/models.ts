// The Triggers API's resources as the wire shows them (snake_case, exactly as in docs/API.md).
// One place for every model; test/sdk/typescript/model-drift.test.ts keeps them equal to the server.

/** A page of a cursor listing: `next_cursor` is null on the last page. */
export interface Page {
  next_cursor: string | null;
  has_more: boolean;
}

/** Body of `POST /v1/events`. */
export interface CreateEventInput {
  source: string;
  event_type: string;
  payload: Record<string, unknown>;
}

export type EventStatus = 'pending' | 'acknowledged';

/** An event. */
export interface TriggerEvent {
  event_id: string;
  source: string;
  event_type: string;
  payload: unknown;
  status: EventStatus;
  created_at: string;
  acknowledged_at: string | null;
}

/** Filters of `GET /v1/inbox`. */
export interface InboxQuery {
  source?: string;
  event_type?: string;
  /** Page size, 1–100 (server default 50). */
  limit?: number;
}

/** Body of `POST /v1/webhooks`. */
export interface CreateWebhookInput {
  url: string;
  events: string[];
  secret?: string;
  description?: string;
  is_active?: boolean;
}

/** Body of `PUT /v1/webhooks/{id}`: any subset of the create fields. */
export type UpdateWebhookInput = Partial<CreateWebhookInput>;

/** A webhook; the secret is never part of it. */
export interface Webhook {
  webhook_id: string;
  url: string;
  events: string[];
  description: string | null;
  is_active: boolean;
  disabled_reason: string | null;
  consecutive_failures: number;
  created_at: string;
  updated_at: string;
}

/** What `POST /v1/webhooks` answers: the webhook and its secret, shown this once. */
export interface CreatedWebhook extends Webhook {
  secret: string;
}

/** The synchronous result of `POST /v1/webhooks/{id}/test`. */
export interface WebhookTestResult {
  success: boolean;
  status_code: number | null;
  latency_ms: number;
  error_class: string | null;
  error: string | null;
  response_body: string | null;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'dead' | 'cancelled';

/** One delivery attempt in a delivery's history. */
export interface DeliveryAttempt {
  attempt: number;
  at: string;
  status_code: number | null;
  latency_ms: number;
  success: boolean;
  error_class: string | null;
  error: string | null;
  response_body: string | null;
}

/** A delivery of one event to one webhook, with every attempt. */
export interface Delivery {
  delivery_id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  status: DeliveryStatus;
  attempt_count: number;
  attempts: DeliveryAttempt[];
  last_error: string | null;
  created_at: string;
  updated_at: string;
  completed_at: string | null;
}

/** `GET /v1/webhooks/{id}/metrics`. */
export interface WebhookMetrics {
  webhook_id: string;
  period_hours: number;
  total_deliveries: number;
  delivered: number;
  dead_lettered: number;
  pending: number;
  success_rate: number | null;
  attempts: number;
  latency_ms: { avg: number | null; p95: number | null; p99: number | null };
  error_distribution: Record<string, number>;
}

/** A dead-lettered delivery. */
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

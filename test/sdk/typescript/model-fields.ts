// Runtime field lists of the SDK's response models, checked against the type at compile time: a list
// must name every field of its model and nothing else, so the suites can compare real responses with it.
import type {
  ApiKey, AnalyticsRow, AnalyticsSummary, AuditEntry, CreatedApiKey, CreatedWebhook, Delivery, DeliveryAttempt, DlqEntry, RotatedApiKey,
  TriggerEvent, Webhook, WebhookMetrics, WebhookTestResult,
} from '../../../sdk/typescript/src/index.js';

/** `fieldsOf<T>()({...})` accepts exactly the keys of T; returns them sorted. */
const fieldsOf = <T>() => (fields: Record<keyof T, true>): string[] => Object.keys(fields).sort();

export const EVENT = fieldsOf<TriggerEvent>()({ event_id: true, source: true, event_type: true, payload: true, status: true, created_at: true, acknowledged_at: true });
export const WEBHOOK = fieldsOf<Webhook>()({
  webhook_id: true, url: true, events: true, description: true, is_active: true, disabled_reason: true, consecutive_failures: true, created_at: true, updated_at: true,
});
export const CREATED_WEBHOOK = fieldsOf<CreatedWebhook>()({
  webhook_id: true, url: true, events: true, description: true, is_active: true, disabled_reason: true, consecutive_failures: true, created_at: true, updated_at: true, secret: true,
});
export const WEBHOOK_TEST = fieldsOf<WebhookTestResult>()({ success: true, status_code: true, latency_ms: true, error_class: true, error: true, response_body: true });
export const DELIVERY = fieldsOf<Delivery>()({
  delivery_id: true, webhook_id: true, event_id: true, event_type: true, status: true, attempt_count: true, attempts: true, last_error: true, created_at: true, updated_at: true, completed_at: true,
});
export const ATTEMPT = fieldsOf<DeliveryAttempt>()({ attempt: true, at: true, status_code: true, latency_ms: true, success: true, error_class: true, error: true, response_body: true });
export const METRICS = fieldsOf<WebhookMetrics>()({
  webhook_id: true, period_hours: true, total_deliveries: true, delivered: true, dead_lettered: true, pending: true, success_rate: true, attempts: true, latency_ms: true, error_distribution: true,
});
export const DLQ_ENTRY = fieldsOf<DlqEntry>()({ tenant_id: true, delivery_id: true, webhook_id: true, event_id: true, event_type: true, reason: true, attempts: true, dead_at: true });
export const ANALYTICS_ROW = fieldsOf<AnalyticsRow>()({
  metric_type: true, period_start: true, period_end: true, event_count: true, source_distribution: true, event_type_distribution: true, error_count: true, error_rate: true,
  request_count: true, delivery_count: true, delivery_error_count: true, performance_metrics: true,
});
export const SUMMARY = fieldsOf<AnalyticsSummary>()({
  start_date: true, end_date: true, total_events: true, top_sources: true, top_event_types: true, error_count: true, error_rate: true, request_count: true, delivery_count: true,
  delivery_error_count: true, performance_metrics: true,
});
const keyFields = {
  key_id: true, tenant_id: true, name: true, key_prefix: true, scopes: true, tier: true, status: true, version: true, previous_version: true, rotated_at: true, expires_at: true,
  created_at: true, lineage_id: true, signing_mode: true, revoked_at: true, next_version: true,
} as const;
export const API_KEY = fieldsOf<ApiKey>()(keyFields);
export const CREATED_API_KEY = fieldsOf<CreatedApiKey>()({ ...keyFields, api_key: true, signing_secret: true });
export const ROTATED_API_KEY = fieldsOf<RotatedApiKey>()({ ...keyFields, api_key: true, signing_secret: true, previous_key_id: true, previous_status: true, previous_expires_at: true });
export const AUDIT_ENTRY = fieldsOf<AuditEntry>()({ index: true, entry_id: true, at: true, action: true, actor: true, tenant_id: true, target: true, details: true, prev_hash: true, hash: true });

/** The sorted field names of a response object. */
export const keysOf = (value: unknown): string[] => Object.keys(value as object).sort();

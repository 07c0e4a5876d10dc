// The shapes the dashboard reads from the API (docs/API.md) and from /dashboard/api.

/** Who is signed in, from GET /dashboard/api/session. */
export type Session =
  | { kind: 'admin'; chaos: boolean }
  | { kind: 'key'; key_id: string; tenant_id: string; name: string; scopes: string[]; chaos: false };

/** API request latency over a period (ms; null without requests). */
export interface Latency {
  count: number;
  avg_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
}

/** One hourly or daily row of GET /v1/analytics. */
export interface AnalyticsRow {
  period_start: string;
  period_end: string;
  event_count: number;
  error_count: number;
  error_rate: number;
  request_count: number;
  source_distribution: Record<string, number>;
  event_type_distribution: Record<string, number>;
  performance_metrics: Latency;
}

/** GET /v1/analytics/summary. */
export interface AnalyticsSummary {
  start_date: string;
  end_date: string;
  total_events: number;
  top_sources: Array<{ source: string; count: number }>;
  top_event_types: Array<{ event_type: string; count: number }>;
  error_count: number;
  error_rate: number;
  request_count: number;
  performance_metrics: Latency;
}

/** A webhook as the API shows it (never its secret). */
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

/** One delivery attempt in a delivery's history. */
export interface Attempt {
  attempt: number;
  at: string;
  status_code: number | null;
  latency_ms: number;
  success: boolean;
  error_class: string | null;
  error: string | null;
}

/** A delivery of one event to one webhook, with its attempts. */
export interface Delivery {
  delivery_id: string;
  event_id: string;
  event_type?: string;
  status: string;
  attempt_count: number;
  attempts: Attempt[];
  created_at: string;
}

/** GET /v1/webhooks/{id}/metrics. */
export interface WebhookMetrics {
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
  delivery_id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  reason: string;
  attempts: number;
  dead_at: string;
}

/** POST /v1/webhooks/{id}/test: the attempt made right now. */
export interface TestResult {
  success: boolean;
  status_code: number | null;
  latency_ms: number | null;
  error_class: string | null;
  error: string | null;
}

/** A key's public view (never the key itself or its hash). */
export interface ApiKey {
  key_id: string;
  tenant_id: string;
  name: string;
  key_prefix: string;
  scopes: string[];
  tier: string;
  status: 'active' | 'rotating' | 'expired' | 'revoked';
  version: number;
  rotated_at: string | null;
  expires_at: string | null;
  created_at: string;
  revoked_at: string | null;
}

/** POST /v1/api-keys/{id}/rotate: the new version, with the key shown once. */
export interface RotatedKey extends ApiKey {
  api_key: string;
  previous_key_id: string;
  previous_status: string;
  previous_expires_at: string | null;
}

/** An installed chaos rule with its live state (GET /_chaos/rules). */
export interface ChaosRule {
  id: string;
  point: string;
  injector: { kind: string } & Record<string, unknown>;
  probability: number;
  state: 'pending' | 'active';
  count: number;
  ends_at: string | null;
  max_count?: number;
}

/** One injection from GET /_chaos/log. */
export interface Injection {
  seq: number;
  at: number;
  rule: string;
  point: string;
  kind: string;
  request_id?: string;
  detail: Record<string, unknown>;
}

/** One scenario run from GET /dashboard/api/runs. */
export interface RunSummary {
  name: string;
  title: string | null;
  status: 'completed' | 'failed' | 'aborted' | 'interrupted' | 'unknown';
  deviated: boolean | null;
  seed: number | string | null;
  started_at: string | null;
  gates: { total: number; failed: number };
  checkers: { total: number; failed: number };
  has_report: boolean;
  error?: string;
}

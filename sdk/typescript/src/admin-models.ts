// Models of analytics, API keys and the audit log, as the wire shows them (see models.ts for
// events and webhooks).

export type MetricType = 'hourly' | 'daily';

/** Latency of API requests in a period, ms; null with `count: 0` when there were none. */
export interface PerformanceMetrics {
  count: number;
  avg_ms: number | null;
  p95_ms: number | null;
  p99_ms: number | null;
  max_ms: number | null;
}

/** One hourly or daily analytics row. */
export interface AnalyticsRow {
  metric_type: MetricType;
  period_start: string;
  period_end: string;
  event_count: number;
  source_distribution: Record<string, number>;
  event_type_distribution: Record<string, number>;
  error_count: number;
  error_rate: number;
  request_count: number;
  delivery_count: number;
  delivery_error_count: number;
  performance_metrics: PerformanceMetrics;
}

/** A range: a UTC day (`2026-11-22`) or an ISO-8601 instant with a zone, or a Date. */
export interface AnalyticsRange {
  start_date?: string | Date;
  end_date?: string | Date;
}

/** `GET /v1/analytics/summary`. */
export interface AnalyticsSummary {
  start_date: string;
  end_date: string;
  total_events: number;
  top_sources: { source: string; count: number }[];
  top_event_types: { event_type: string; count: number }[];
  error_count: number;
  error_rate: number;
  request_count: number;
  delivery_count: number;
  delivery_error_count: number;
  performance_metrics: PerformanceMetrics;
}

export type Scope = 'events:read' | 'events:write' | 'webhooks:manage' | 'analytics:read' | 'keys:manage';
export type Tier = 'free' | 'startup' | 'business' | 'enterprise';
export type SigningMode = 'off' | 'optional' | 'required';
export type ApiKeyStatus = 'active' | 'rotating' | 'expired' | 'revoked';

/** Body of `POST /v1/api-keys` (admin token). */
export interface CreateApiKeyInput {
  name: string;
  scopes?: Scope[];
  tier?: Tier;
  tenant_id?: string;
  signing_mode?: SigningMode;
}

/** A key version; never its secrets. */
export interface ApiKey {
  key_id: string;
  tenant_id: string;
  name: string;
  key_prefix: string;
  scopes: Scope[];
  tier: Tier;
  status: ApiKeyStatus;
  version: number;
  previous_version: string | null;
  rotated_at: string | null;
  expires_at: string | null;
  created_at: string;
  lineage_id: string;
  signing_mode: SigningMode | null;
  revoked_at: string | null;
  next_version: string | null;
}

/** A key as created: with `api_key` and `signing_secret`, shown this once. */
export interface CreatedApiKey extends ApiKey {
  api_key: string;
  signing_secret: string;
}

/** The new version a rotation made, with its secrets and what became of the old one. */
export interface RotatedApiKey extends CreatedApiKey {
  previous_key_id: string;
  previous_status: ApiKeyStatus;
  previous_expires_at: string | null;
}

/** One hash-chained audit entry. */
export interface AuditEntry {
  index: number;
  entry_id: string;
  at: string;
  action: string;
  actor: string;
  tenant_id: string | null;
  target: string | null;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

/** `POST /v1/audit/verify`. */
export type AuditVerification =
  | { valid: true; checked: number; from: number; to: number }
  | { valid: false; first_broken_index: number; reason: 'hash_mismatch' | 'link_mismatch' | 'missing'; checked: number; from: number; to: number };

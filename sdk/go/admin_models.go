package triggers

// Models of analytics, API keys and the audit log (see models.go for events and webhooks).

import "encoding/json"

// PerformanceMetrics are API request latencies in ms; nil with Count 0 when there were none.
type PerformanceMetrics struct {
	Count int      `json:"count"`
	AvgMs *float64 `json:"avg_ms"`
	P95Ms *float64 `json:"p95_ms"`
	P99Ms *float64 `json:"p99_ms"`
	MaxMs *float64 `json:"max_ms"`
}

// AnalyticsRow is one hourly or daily row.
type AnalyticsRow struct {
	MetricType            string             `json:"metric_type"`
	PeriodStart           string             `json:"period_start"`
	PeriodEnd             string             `json:"period_end"`
	EventCount            int                `json:"event_count"`
	SourceDistribution    map[string]int     `json:"source_distribution"`
	EventTypeDistribution map[string]int     `json:"event_type_distribution"`
	ErrorCount            int                `json:"error_count"`
	ErrorRate             float64            `json:"error_rate"`
	RequestCount          int                `json:"request_count"`
	DeliveryCount         int                `json:"delivery_count"`
	DeliveryErrorCount    int                `json:"delivery_error_count"`
	PerformanceMetrics    PerformanceMetrics `json:"performance_metrics"`
}

// AnalyticsQuery selects rows; zero values are left out (the server's defaults apply).
type AnalyticsQuery struct {
	StartDate  string // a UTC day (2026-11-22) or an ISO-8601 instant with a zone
	EndDate    string
	MetricType string // hourly (default) | daily
	Limit      int
}

// AnalyticsSummary is GET /v1/analytics/summary.
type AnalyticsSummary struct {
	StartDate   string `json:"start_date"`
	EndDate     string `json:"end_date"`
	TotalEvents int    `json:"total_events"`
	TopSources  []struct {
		Source string `json:"source"`
		Count  int    `json:"count"`
	} `json:"top_sources"`
	TopEventTypes []struct {
		EventType string `json:"event_type"`
		Count     int    `json:"count"`
	} `json:"top_event_types"`
	ErrorCount         int                `json:"error_count"`
	ErrorRate          float64            `json:"error_rate"`
	RequestCount       int                `json:"request_count"`
	DeliveryCount      int                `json:"delivery_count"`
	DeliveryErrorCount int                `json:"delivery_error_count"`
	PerformanceMetrics PerformanceMetrics `json:"performance_metrics"`
}

// CreateAPIKeyInput is the body of POST /v1/api-keys (admin token).
type CreateAPIKeyInput struct {
	Name        string   `json:"name"`
	Scopes      []string `json:"scopes,omitempty"`
	Tier        string   `json:"tier,omitempty"`
	TenantID    string   `json:"tenant_id,omitempty"`
	SigningMode string   `json:"signing_mode,omitempty"`
}

// APIKey is one key version, never its secrets.
type APIKey struct {
	KeyID           string   `json:"key_id"`
	TenantID        string   `json:"tenant_id"`
	Name            string   `json:"name"`
	KeyPrefix       string   `json:"key_prefix"`
	Scopes          []string `json:"scopes"`
	Tier            string   `json:"tier"`
	Status          string   `json:"status"` // active | rotating | expired | revoked
	Version         int      `json:"version"`
	PreviousVersion *string  `json:"previous_version"`
	RotatedAt       *string  `json:"rotated_at"`
	ExpiresAt       *string  `json:"expires_at"`
	CreatedAt       string   `json:"created_at"`
	LineageID       string   `json:"lineage_id"`
	SigningMode     *string  `json:"signing_mode"`
	RevokedAt       *string  `json:"revoked_at"`
	NextVersion     *string  `json:"next_version"`
}

// CreatedAPIKey carries the key and its signing secret, shown this once.
type CreatedAPIKey struct {
	APIKey
	Secret        string `json:"api_key"`
	SigningSecret string `json:"signing_secret"`
}

// RotatedAPIKey is the new version a rotation made, and what became of the old one.
type RotatedAPIKey struct {
	CreatedAPIKey
	PreviousKeyID     string  `json:"previous_key_id"`
	PreviousStatus    string  `json:"previous_status"`
	PreviousExpiresAt *string `json:"previous_expires_at"`
}

// AuditEntry is one hash-chained audit entry.
type AuditEntry struct {
	Index    int             `json:"index"`
	EntryID  string          `json:"entry_id"`
	At       string          `json:"at"`
	Action   string          `json:"action"`
	Actor    string          `json:"actor"`
	TenantID *string         `json:"tenant_id"`
	Target   *string         `json:"target"`
	Details  json.RawMessage `json:"details"`
	PrevHash string          `json:"prev_hash"`
	Hash     string          `json:"hash"`
}

// AuditVerification is POST /v1/audit/verify.
type AuditVerification struct {
	Valid            bool   `json:"valid"`
	Checked          int    `json:"checked"`
	From             int    `json:"from"`
	To               int    `json:"to"`
	FirstBrokenIndex *int   `json:"first_broken_index,omitempty"`
	Reason           string `json:"reason,omitempty"`
}

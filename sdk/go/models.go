package triggers

// The Triggers API's resources as the wire shows them (JSON names exactly as in docs/API.md).

import "encoding/json"

// CreateEventInput is the body of POST /v1/events.
type CreateEventInput struct {
	Source    string         `json:"source"`
	EventType string         `json:"event_type"`
	Payload   map[string]any `json:"payload"`
}

// Event is a stored event.
type Event struct {
	EventID        string          `json:"event_id"`
	Source         string          `json:"source"`
	EventType      string          `json:"event_type"`
	Payload        json.RawMessage `json:"payload"`
	Status         string          `json:"status"` // pending | acknowledged
	CreatedAt      string          `json:"created_at"`
	AcknowledgedAt *string         `json:"acknowledged_at"`
}

// InboxQuery filters GET /v1/inbox; zero values are left out.
type InboxQuery struct {
	Source    string
	EventType string
	Limit     int // page size, 1..100 (0: the server's 50)
}

// WebhookQuery filters GET /v1/webhooks; zero values are left out.
type WebhookQuery struct {
	Active *bool // only active (true) or disabled (false) webhooks; nil for all
	Limit  int   // page size, 1..100 (0: the server's 50)
}

// DeliveryQuery filters GET /v1/webhooks/{id}/deliveries; zero values are left out.
type DeliveryQuery struct {
	Status string // pending | delivered | dead | cancelled; "" for all
	Limit  int    // page size, 1..100 (0: the server's 50)
	Order  string // "asc": oldest first (the server's default for ""); "desc": newest first
}

// DLQQuery filters GET /v1/webhooks/dlq; zero values are left out.
type DLQQuery struct {
	WebhookID string // one webhook's dead letters; "" for every webhook's
	Limit     int    // page size, 1..100 (0: the server's 50)
	Order     string // by when each died: "asc", oldest first (the server's default for ""); "desc": newest first
}

// CreateWebhookInput is the body of POST /v1/webhooks.
type CreateWebhookInput struct {
	URL         string   `json:"url"`
	Events      []string `json:"events"`
	Secret      string   `json:"secret,omitempty"`
	Description string   `json:"description,omitempty"`
	IsActive    *bool    `json:"is_active,omitempty"`
}

// UpdateWebhookInput is the body of PUT /v1/webhooks/{id}: nil fields are left unchanged.
type UpdateWebhookInput struct {
	URL         *string  `json:"url,omitempty"`
	Events      []string `json:"events,omitempty"`
	Secret      *string  `json:"secret,omitempty"`
	Description *string  `json:"description,omitempty"`
	IsActive    *bool    `json:"is_active,omitempty"`
}

// Webhook never carries its secret; CreatedWebhook does, once.
type Webhook struct {
	WebhookID           string   `json:"webhook_id"`
	URL                 string   `json:"url"`
	Events              []string `json:"events"`
	Description         *string  `json:"description"`
	IsActive            bool     `json:"is_active"`
	DisabledReason      *string  `json:"disabled_reason"`
	ConsecutiveFailures int      `json:"consecutive_failures"`
	CreatedAt           string   `json:"created_at"`
	UpdatedAt           string   `json:"updated_at"`
}

// CreatedWebhook is what POST /v1/webhooks answers: the webhook and its secret, shown this once.
type CreatedWebhook struct {
	Webhook
	Secret string `json:"secret"`
}

// WebhookTestResult is the synchronous attempt of POST /v1/webhooks/{id}/test.
type WebhookTestResult struct {
	Success      bool    `json:"success"`
	StatusCode   *int    `json:"status_code"`
	LatencyMs    float64 `json:"latency_ms"`
	ErrorClass   *string `json:"error_class"`
	Error        *string `json:"error"`
	ResponseBody *string `json:"response_body"`
}

// DeliveryAttempt is one attempt in a delivery's history.
type DeliveryAttempt struct {
	Attempt      int     `json:"attempt"`
	At           string  `json:"at"`
	StatusCode   *int    `json:"status_code"`
	LatencyMs    float64 `json:"latency_ms"`
	Success      bool    `json:"success"`
	ErrorClass   *string `json:"error_class"`
	Error        *string `json:"error"`
	ResponseBody *string `json:"response_body"`
}

// Delivery is one event sent to one webhook, with every attempt.
type Delivery struct {
	DeliveryID   string            `json:"delivery_id"`
	WebhookID    string            `json:"webhook_id"`
	EventID      string            `json:"event_id"`
	EventType    string            `json:"event_type"`
	Status       string            `json:"status"` // pending | delivered | dead | cancelled
	AttemptCount int               `json:"attempt_count"`
	Attempts     []DeliveryAttempt `json:"attempts"`
	LastError    *string           `json:"last_error"`
	CreatedAt    string            `json:"created_at"`
	UpdatedAt    string            `json:"updated_at"`
	CompletedAt  *string           `json:"completed_at"`
}

// WebhookMetrics is GET /v1/webhooks/{id}/metrics.
type WebhookMetrics struct {
	WebhookID       string   `json:"webhook_id"`
	PeriodHours     int      `json:"period_hours"`
	TotalDeliveries int      `json:"total_deliveries"`
	Delivered       int      `json:"delivered"`
	DeadLettered    int      `json:"dead_lettered"`
	Pending         int      `json:"pending"`
	SuccessRate     *float64 `json:"success_rate"`
	Attempts        int      `json:"attempts"`
	LatencyMs       struct {
		Avg *float64 `json:"avg"`
		P95 *float64 `json:"p95"`
		P99 *float64 `json:"p99"`
	} `json:"latency_ms"`
	ErrorDistribution map[string]int `json:"error_distribution"`
}

// ReplayedDelivery is what POST /v1/webhooks/dlq/{id}/replay answers: the delivery, requeued under
// the same id, and its status (pending: it waits for its fresh round of attempts).
type ReplayedDelivery struct {
	DeliveryID string `json:"delivery_id"`
	Status     string `json:"status"`
}

// DLQEntry is a dead-lettered delivery.
type DLQEntry struct {
	TenantID   string `json:"tenant_id"`
	DeliveryID string `json:"delivery_id"`
	WebhookID  string `json:"webhook_id"`
	EventID    string `json:"event_id"`
	EventType  string `json:"event_type"`
	Reason     string `json:"reason"`
	Attempts   int    `json:"attempts"`
	DeadAt     string `json:"dead_at"`
}

package triggers

// Webhooks: registration and management, the synchronous test send, delivery history and metrics,
// the dead-letter queue and replays.

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// WebhooksService is client.Webhooks.
type WebhooksService struct{ c *Client }

func webhookPath(id, rest string) string { return "/v1/webhooks/" + url.PathEscape(id) + rest }

// Create registers a webhook; the answer's Secret is shown this once.
func (s *WebhooksService) Create(ctx context.Context, input CreateWebhookInput) (*CreatedWebhook, error) {
	var out CreatedWebhook
	return result(&out, s.c.doJSON(ctx, call{method: http.MethodPost, path: "/v1/webhooks", body: input}, &out))
}

// WebhookPage is one page of GET /v1/webhooks.
type WebhookPage struct {
	Webhooks []Webhook `json:"webhooks"`
	page
}

// ListPage fetches one page of your tenant's webhooks: cursor "" for the first page, then the page's
// NextCursor until it is nil. query.Limit is sent as it is; one the server refuses is an *APIError
// of KindValidation.
func (s *WebhooksService) ListPage(ctx context.Context, query WebhookQuery, cursor string) (*WebhookPage, error) {
	q := url.Values{}
	if query.Active != nil {
		q.Set("is_active", strconv.FormatBool(*query.Active))
	}
	setInt(q, "limit", query.Limit)
	set(q, "cursor", cursor)
	var out WebhookPage
	return result(&out, s.c.doJSON(ctx, call{method: http.MethodGet, path: "/v1/webhooks", query: q}, &out))
}

// List iterates your tenant's webhooks; active filters by state when not nil. Iterator.Limit sets the
// page size.
func (s *WebhooksService) List(active *bool) *Iterator[Webhook] {
	return newIterator(func(ctx context.Context, cursor string, limit int) ([]Webhook, *string, error) {
		p, err := s.ListPage(ctx, WebhookQuery{Active: active, Limit: limit}, cursor)
		if err != nil {
			return nil, nil, err
		}
		return p.Webhooks, p.NextCursor, nil
	})
}

// Get returns the webhook (never its secret).
func (s *WebhooksService) Get(ctx context.Context, webhookID string) (*Webhook, error) {
	var out Webhook
	return result(&out, s.c.doJSON(ctx, call{method: http.MethodGet, path: webhookPath(webhookID, "")}, &out))
}

// Update changes the non-nil fields; errors.Is(err, ErrConflict) when it changed meanwhile.
func (s *WebhooksService) Update(ctx context.Context, webhookID string, input UpdateWebhookInput) (*Webhook, error) {
	var out Webhook
	return result(&out, s.c.doJSON(ctx, call{method: http.MethodPut, path: webhookPath(webhookID, ""), body: input}, &out))
}

// Delete removes the webhook.
func (s *WebhooksService) Delete(ctx context.Context, webhookID string) error {
	return s.c.doJSON(ctx, call{method: http.MethodDelete, path: webhookPath(webhookID, "")}, nil)
}

// Test sends a signed webhook.test event now and returns the attempt.
func (s *WebhooksService) Test(ctx context.Context, webhookID string) (*WebhookTestResult, error) {
	var out WebhookTestResult
	return result(&out, s.c.doJSON(ctx, call{method: http.MethodPost, path: webhookPath(webhookID, "/test")}, &out))
}

// DeliveryPage is one page of GET /v1/webhooks/{id}/deliveries.
type DeliveryPage struct {
	Deliveries []Delivery `json:"deliveries"`
	page
}

// DeliveriesPage fetches one page of the webhook's deliveries with every attempt: cursor "" for the
// first page, then the page's NextCursor until it is nil.
func (s *WebhooksService) DeliveriesPage(ctx context.Context, webhookID string, query DeliveryQuery, cursor string) (*DeliveryPage, error) {
	q := url.Values{}
	set(q, "status", query.Status)
	setInt(q, "limit", query.Limit)
	set(q, "order", query.Order)
	set(q, "cursor", cursor)
	var out DeliveryPage
	return result(&out, s.c.doJSON(ctx, call{method: http.MethodGet, path: webhookPath(webhookID, "/deliveries"), query: q}, &out))
}

// Deliveries iterates the webhook's deliveries with every attempt; status "" means all.
// Iterator.Limit sets the page size.
func (s *WebhooksService) Deliveries(webhookID, status string) *Iterator[Delivery] {
	return newIterator(func(ctx context.Context, cursor string, limit int) ([]Delivery, *string, error) {
		p, err := s.DeliveriesPage(ctx, webhookID, DeliveryQuery{Status: status, Limit: limit}, cursor)
		if err != nil {
			return nil, nil, err
		}
		return p.Deliveries, p.NextCursor, nil
	})
}

// Metrics returns success rate, latency percentiles and errors by class over periodHours (0: 24).
func (s *WebhooksService) Metrics(ctx context.Context, webhookID string, periodHours int) (*WebhookMetrics, error) {
	q := url.Values{}
	setInt(q, "period_hours", periodHours)
	var out WebhookMetrics
	return result(&out, s.c.doJSON(ctx, call{method: http.MethodGet, path: webhookPath(webhookID, "/metrics"), query: q}, &out))
}

// DLQPage is one page of GET /v1/webhooks/dlq.
type DLQPage struct {
	Entries []DLQEntry `json:"entries"`
	page
}

// DLQPage fetches one page of your tenant's dead-lettered deliveries: cursor "" for the first page,
// then the page's NextCursor until it is nil.
func (s *WebhooksService) DLQPage(ctx context.Context, query DLQQuery, cursor string) (*DLQPage, error) {
	q := url.Values{}
	set(q, "webhook_id", query.WebhookID)
	setInt(q, "limit", query.Limit)
	set(q, "order", query.Order)
	set(q, "cursor", cursor)
	var out DLQPage
	return result(&out, s.c.doJSON(ctx, call{method: http.MethodGet, path: "/v1/webhooks/dlq", query: q}, &out))
}

// DLQ iterates your tenant's dead-lettered deliveries; webhookID "" means every webhook.
// Iterator.Limit sets the page size.
func (s *WebhooksService) DLQ(webhookID string) *Iterator[DLQEntry] {
	return newIterator(func(ctx context.Context, cursor string, limit int) ([]DLQEntry, *string, error) {
		p, err := s.DLQPage(ctx, DLQQuery{WebhookID: webhookID, Limit: limit}, cursor)
		if err != nil {
			return nil, nil, err
		}
		return p.Entries, p.NextCursor, nil
	})
}

// ReplayDLQDelivery gives a dead-lettered delivery a fresh round of attempts and returns the
// server's answer: the same delivery id, now pending. errors.Is(err, ErrNotFound) when the delivery
// is not (or no longer) dead-lettered in your tenant.
func (s *WebhooksService) ReplayDLQDelivery(ctx context.Context, deliveryID string) (*ReplayedDelivery, error) {
	var out ReplayedDelivery
	return result(&out, s.c.doJSON(ctx, call{method: http.MethodPost, path: "/v1/webhooks/dlq/" + url.PathEscape(deliveryID) + "/replay"}, &out))
}

// ReplayDLQ gives a dead-lettered delivery a fresh round of attempts (same delivery id).
//
// Deprecated: use ReplayDLQDelivery, which also returns the replayed delivery's id and status.
func (s *WebhooksService) ReplayDLQ(ctx context.Context, deliveryID string) error {
	_, err := s.ReplayDLQDelivery(ctx, deliveryID)
	return err
}

// Replay replays every dead delivery of the webhook created in [since, until] and returns how many.
func (s *WebhooksService) Replay(ctx context.Context, webhookID string, since, until time.Time) (int, error) {
	body := map[string]string{"since": since.UTC().Format(isoMillis), "until": until.UTC().Format(isoMillis)}
	var out struct {
		Replayed int `json:"replayed"`
	}
	err := s.c.doJSON(ctx, call{method: http.MethodPost, path: webhookPath(webhookID, "/replay"), body: body}, &out)
	return out.Replayed, err
}

// isoMillis is the ISO-8601 form the server's schemas accept (UTC, milliseconds).
const isoMillis = "2006-01-02T15:04:05.000Z07:00"

package triggers

// Events: create (always with an Idempotency-Key, so a retried create cannot make two events), get,
// the inbox as pages or an iterator, acknowledge and delete.

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
)

// EventsService is client.Events.
type EventsService struct{ c *Client }

// CreateOption tunes a create.
type CreateOption func(map[string]string)

// WithIdempotencyKey makes repeats of this create return the original event (default: a random key).
func WithIdempotencyKey(key string) CreateOption {
	return func(h map[string]string) { h["Idempotency-Key"] = key }
}

// Create stores an event. The Idempotency-Key (yours or a generated one) is the same on every
// retry, so lost answers, timeouts and 503s are retried without risk of a duplicate.
func (s *EventsService) Create(ctx context.Context, input CreateEventInput, opts ...CreateOption) (*Event, error) {
	header := map[string]string{"Idempotency-Key": s.c.idempotencyKey()}
	for _, opt := range opts {
		opt(header)
	}
	if input.Payload == nil {
		input.Payload = map[string]any{}
	}
	var out Event
	err := s.c.doJSON(ctx, call{method: http.MethodPost, path: "/v1/events", body: input, header: header, idempotent: true}, &out)
	return result(&out, err)
}

// Get returns the event; errors.Is(err, ErrNotFound) when it is not in your tenant.
func (s *EventsService) Get(ctx context.Context, eventID string) (*Event, error) {
	var out Event
	err := s.c.doJSON(ctx, call{method: http.MethodGet, path: "/v1/events/" + url.PathEscape(eventID)}, &out)
	return result(&out, err)
}

// InboxPage is one page of GET /v1/inbox.
type InboxPage struct {
	Events []Event `json:"events"`
	page
}

// InboxPage fetches one page of pending events, oldest first: cursor "" for the first page, then the
// page's NextCursor until it is nil. query.Limit is sent as it is (0: the server's 50); one outside
// 1..100 is refused with an *APIError of KindValidation.
func (s *EventsService) InboxPage(ctx context.Context, query InboxQuery, cursor string) (*InboxPage, error) {
	q := url.Values{}
	set(q, "source", query.Source)
	set(q, "event_type", query.EventType)
	setInt(q, "limit", query.Limit)
	set(q, "cursor", cursor)
	var out InboxPage
	err := s.c.doJSON(ctx, call{method: http.MethodGet, path: "/v1/inbox", query: q}, &out)
	return result(&out, err)
}

// Inbox iterates every pending event, oldest first, fetching pages of query.Limit as it goes.
func (s *EventsService) Inbox(query InboxQuery) *Iterator[Event] {
	return newIterator(func(ctx context.Context, cursor string, limit int) ([]Event, *string, error) {
		p, err := s.InboxPage(ctx, InboxQuery{Source: query.Source, EventType: query.EventType, Limit: orDefault(limit, query.Limit)}, cursor)
		if err != nil {
			return nil, nil, err
		}
		return p.Events, p.NextCursor, nil
	})
}

// Ack acknowledges the event (idempotent) and returns it.
func (s *EventsService) Ack(ctx context.Context, eventID string) (*Event, error) {
	var out Event
	err := s.c.doJSON(ctx, call{method: http.MethodPost, path: "/v1/events/" + url.PathEscape(eventID) + "/ack", idempotent: true}, &out)
	return result(&out, err)
}

// Delete removes the event; errors.Is(err, ErrNotFound) when it does not exist.
func (s *EventsService) Delete(ctx context.Context, eventID string) error {
	return s.c.doJSON(ctx, call{method: http.MethodDelete, path: "/v1/events/" + url.PathEscape(eventID)}, nil)
}

// result returns nil instead of a half-filled value on error.
func result[T any](out *T, err error) (*T, error) {
	if err != nil {
		return nil, err
	}
	return out, nil
}

func set(q url.Values, name, value string) {
	if value != "" {
		q.Set(name, value)
	}
}

// orDefault is value, or fallback when value is 0.
func orDefault(value, fallback int) int {
	if value != 0 {
		return value
	}
	return fallback
}

func setInt(q url.Values, name string, value int) {
	if value != 0 {
		q.Set(name, strconv.Itoa(value))
	}
}

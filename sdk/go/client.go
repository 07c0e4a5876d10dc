package triggers

// The client: one per credential, holding the transport settings and one service per part of the API.

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	mathrand "math/rand"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Client calls the Triggers API. Safe for concurrent use.
type Client struct {
	baseURL        string
	apiKey         string
	signingSecret  string
	timeout        time.Duration
	retry          RetryPolicy
	httpClient     *http.Client
	now            func() time.Time
	random         func() float64
	sleep          func(ctx context.Context, d time.Duration) error
	idempotencyKey func() string
	signatureNonce func() string
	onResponse     func(*http.Response)

	Events    *EventsService
	Webhooks  *WebhooksService
	Analytics *AnalyticsService
	APIKeys   *APIKeysService
	Audit     *AuditService
}

// Option configures a Client.
type Option func(*Client)

// WithTimeout bounds each attempt (default 10 s).
func WithTimeout(d time.Duration) Option { return func(c *Client) { c.timeout = d } }

// WithSigningSecret signs every request with the key's signing secret (sk_...).
func WithSigningSecret(secret string) Option { return func(c *Client) { c.signingSecret = secret } }

// WithRetry sets the retry policy (default 3 attempts, 200 ms doubling to 5 s, with jitter).
func WithRetry(p RetryPolicy) Option { return func(c *Client) { c.retry = p.withDefaults() } }

// WithHTTPClient replaces http.DefaultClient (its Timeout, if any, applies on top of WithTimeout).
func WithHTTPClient(h *http.Client) Option { return func(c *Client) { c.httpClient = h } }

// WithClock, WithRandom, WithSleep and WithIdempotencyKeys inject time, randomness, waiting and key
// generation, for deterministic tests and seeded runs.
func WithClock(now func() time.Time) Option { return func(c *Client) { c.now = now } }

// WithRandom injects the jitter source (values in [0, 1)).
func WithRandom(random func() float64) Option { return func(c *Client) { c.random = random } }

// WithSleep injects how the client waits between retries; it must return ctx.Err() when ctx ends.
func WithSleep(sleep func(ctx context.Context, d time.Duration) error) Option {
	return func(c *Client) { c.sleep = sleep }
}

// WithIdempotencyKeys injects how a create's Idempotency-Key is made when the caller gives none.
func WithIdempotencyKeys(next func() string) Option {
	return func(c *Client) { c.idempotencyKey = next }
}

// WithSignatureNonces injects each signed attempt's X-Signature-Nonce (default: 128 random bits).
func WithSignatureNonces(next func() string) Option {
	return func(c *Client) { c.signatureNonce = next }
}

// NewClient builds a client for apiKey (a tr_... key, or the admin token for key management and audit).
func NewClient(apiKey, baseURL string, opts ...Option) *Client {
	var mu sync.Mutex
	jitter := mathrand.New(mathrand.NewSource(time.Now().UnixNano()))
	c := &Client{
		baseURL:    strings.TrimRight(baseURL, "/"),
		apiKey:     apiKey,
		timeout:    10 * time.Second,
		retry:      RetryPolicy{}.withDefaults(),
		httpClient: http.DefaultClient,
		now:        time.Now,
		random: func() float64 {
			mu.Lock()
			defer mu.Unlock()
			return jitter.Float64()
		},
		sleep:          sleepContext,
		idempotencyKey: randomKey,
		signatureNonce: NewSignatureNonce,
	}
	for _, opt := range opts {
		opt(c)
	}
	c.Events = &EventsService{c}
	c.Webhooks = &WebhooksService{c}
	c.Analytics = &AnalyticsService{c}
	c.APIKeys = &APIKeysService{c}
	c.Audit = &AuditService{c}
	return c
}

// Inbox iterates every pending event, oldest first; shorthand for client.Events.Inbox.
func (c *Client) Inbox(query InboxQuery) *Iterator[Event] { return c.Events.Inbox(query) }

func sleepContext(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// NewSignatureNonce is a fresh X-Signature-Nonce: 128 random bits, base64url (22 characters).
func NewSignatureNonce() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic("triggers: no randomness for a signature nonce: " + err.Error())
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func randomKey() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic("triggers: no randomness for an idempotency key: " + err.Error())
	}
	return "idem_" + hex.EncodeToString(b)
}

package triggers_test

// The client against the real server: every part of the API, typed errors, signing, and a create
// retried after the chaos engine dropped its answer, which must leave exactly one event.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"aftershock.dev/triggers"
)

func TestEventsLifecycleAndTypedErrors(t *testing.T) {
	ctx := testContext(t)
	key := newKey(t, triggers.CreateAPIKeyInput{})
	client := triggers.NewClient(key.Secret, server.url)
	source := fmt.Sprintf("go-%d", time.Now().UnixNano())
	for i := 1; i <= 3; i++ {
		if _, err := client.Events.Create(ctx, triggers.CreateEventInput{Source: source, EventType: "order.created", Payload: map[string]any{"n": i}}); err != nil {
			t.Fatal(err)
		}
	}
	events, err := client.Inbox(triggers.InboxQuery{Source: source, Limit: 2}).All(ctx)
	if err != nil || len(events) != 3 {
		t.Fatalf("inbox: %d events, %v", len(events), err)
	}
	got, err := client.Events.Get(ctx, events[0].EventID)
	if err != nil || got.EventID != events[0].EventID {
		t.Fatalf("get: %v", err)
	}
	if acked, err := client.Events.Ack(ctx, got.EventID); err != nil || acked.Status != "acknowledged" {
		t.Fatalf("ack: %v", err)
	}
	if err := client.Events.Delete(ctx, got.EventID); err != nil {
		t.Fatal(err)
	}
	_, err = client.Events.Get(ctx, got.EventID)
	var apiErr *triggers.APIError
	if !errors.As(err, &apiErr) || !errors.Is(err, triggers.ErrNotFound) || apiErr.Status != 404 || apiErr.RequestID == "" {
		t.Fatalf("want a 404 APIError with a request id, got %#v", err)
	}
	_, err = client.Events.Create(ctx, triggers.CreateEventInput{Source: "", EventType: "bad type!"})
	if !errors.As(err, &apiErr) || apiErr.Code != "validation_error" || !bytes.Contains(apiErr.Details, []byte("body.source")) {
		t.Fatalf("want validation_error naming body.source, got %v", err)
	}
	idem := triggers.WithIdempotencyKey(source + "-conflict")
	client.Events.Create(ctx, triggers.CreateEventInput{Source: source, EventType: "a"}, idem)
	if _, err = client.Events.Create(ctx, triggers.CreateEventInput{Source: source, EventType: "b"}, idem); !errors.Is(err, triggers.ErrConflict) {
		t.Fatalf("want a conflict, got %v", err)
	}
	if _, err = triggers.NewClient("tr_wrong", server.url).Events.Get(ctx, got.EventID); !errors.Is(err, triggers.ErrUnauthorized) {
		t.Fatalf("want unauthorized, got %v", err)
	}
}

func TestABaseURLWithoutItsSchemeFailsWithWhatToWrite(t *testing.T) {
	_, err := triggers.NewClient("tr_x", strings.TrimPrefix(server.url, "http://")).Events.Get(testContext(t), "evt_1")
	var apiErr *triggers.APIError
	if !errors.As(err, &apiErr) || apiErr.Code != "bad_base_url" || !strings.Contains(apiErr.Message, "e.g. http://127.0.0.1:8080") {
		t.Fatalf("want bad_base_url, got %v", err)
	}
}

func TestSignedClientIsAcceptedWhereSigningIsRequired(t *testing.T) {
	ctx := testContext(t)
	key := newKey(t, triggers.CreateAPIKeyInput{SigningMode: "required"})
	signed := triggers.NewClient(key.Secret, server.url, triggers.WithSigningSecret(key.SigningSecret))
	event, err := signed.Events.Create(ctx, triggers.CreateEventInput{Source: "café + more", EventType: "x", Payload: map[string]any{}})
	if err != nil {
		t.Fatal(err)
	}
	page, err := signed.Events.InboxPage(ctx, triggers.InboxQuery{Source: "café + more"}, "")
	if err != nil || len(page.Events) != 1 || page.Events[0].EventID != event.EventID {
		t.Fatalf("signed inbox: %v", err)
	}
	var apiErr *triggers.APIError
	_, err = triggers.NewClient(key.Secret, server.url).Events.Get(ctx, event.EventID)
	if !errors.As(err, &apiErr) || apiErr.Code != "signature_missing" {
		t.Fatalf("want signature_missing, got %v", err)
	}
}

func TestSignedRequestsRepeatedWithinOneSecondAreEachAccepted(t *testing.T) {
	ctx := testContext(t)
	key := newKey(t, triggers.CreateAPIKeyInput{SigningMode: "required"})
	frozen := time.Now()
	signed := triggers.NewClient(key.Secret, server.url, triggers.WithSigningSecret(key.SigningSecret), triggers.WithClock(func() time.Time { return frozen }))
	event, err := signed.Events.Create(ctx, triggers.CreateEventInput{Source: "poll", EventType: "x", Payload: map[string]any{}})
	if err != nil {
		t.Fatal(err)
	}
	// The same GET three times in one second: only the nonce tells them apart.
	for i := 0; i < 3; i++ {
		if got, err := signed.Events.Get(ctx, event.EventID); err != nil || got.EventID != event.EventID {
			t.Fatalf("get %d: %v", i, err)
		}
	}
}

func TestRetriedCreateUnderLostAnswersMakesOneEvent(t *testing.T) {
	ctx := testContext(t)
	key := newKey(t, triggers.CreateAPIKeyInput{})
	rule := `{"rules":[{"id":"go-lose-create-answer","point":"http_in","match":{"method":"POST","route":"/v1/events"},` +
		`"injector":{"kind":"partial_failure","phase":"after"},"max_count":2,"duration":60000}]}`
	adminCall(t, http.MethodPut, "/_chaos/rules", rule)
	var attempts int32
	counting := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		atomic.AddInt32(&attempts, 1)
		return http.DefaultTransport.RoundTrip(r)
	})}
	client := triggers.NewClient(key.Secret, server.url, triggers.WithHTTPClient(counting),
		triggers.WithRetry(triggers.RetryPolicy{MaxAttempts: 4, BaseDelay: 20 * time.Millisecond}))
	event, err := client.Events.Create(ctx, triggers.CreateEventInput{Source: "go-chaos", EventType: "order.created", Payload: map[string]any{"order": 1}})
	if err != nil {
		t.Fatal(err)
	}
	var log struct {
		Entries []struct{ Rule string } `json:"entries"`
	}
	json.Unmarshal(adminCall(t, http.MethodGet, "/_chaos/log?limit=1000", ""), &log)
	injected := 0
	for _, e := range log.Entries {
		if e.Rule == "go-lose-create-answer" {
			injected++
		}
	}
	events, err := client.Inbox(triggers.InboxQuery{Source: "go-chaos"}).All(ctx)
	if err != nil || injected != 2 || atomic.LoadInt32(&attempts) != 3 || len(events) != 1 || events[0].EventID != event.EventID {
		t.Fatalf("injected %d, attempts %d, events %d (%v)", injected, attempts, len(events), err)
	}
}

func TestRetriesHonourRetryAfterAndNeverRepeatAnUnsafeCall(t *testing.T) {
	var calls int32
	scripted := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := atomic.AddInt32(&calls, 1)
		switch {
		case r.URL.Path == "/v1/webhooks":
			hj, _ := w.(http.Hijacker)
			conn, _, _ := hj.Hijack()
			conn.Close() // the answer is lost: a webhook create is not idempotent, so no retry
		case n == 1:
			w.Header().Set("Retry-After", "2")
			w.WriteHeader(503)
			io.WriteString(w, `{"error":{"code":"service_unavailable","message":"later"}}`)
		default:
			io.WriteString(w, `{"event_id":"evt_1"}`)
		}
	}))
	defer scripted.Close()
	var slept []time.Duration
	client := triggers.NewClient("tr_k", scripted.URL, triggers.WithRandom(func() float64 { return 0.5 }),
		triggers.WithSleep(func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }))
	ctx := testContext(t)
	if e, err := client.Events.Get(ctx, "evt_1"); err != nil || e.EventID != "evt_1" || len(slept) != 1 || slept[0] != 2*time.Second {
		t.Fatalf("get after 503: %v, slept %v", err, slept)
	}
	atomic.StoreInt32(&calls, 0)
	_, err := client.Webhooks.Create(ctx, triggers.CreateWebhookInput{URL: "http://x", Events: []string{"*"}})
	if !errors.Is(err, triggers.ErrNetwork) || atomic.LoadInt32(&calls) != 1 {
		t.Fatalf("want one attempt and a network error, got %d, %v", calls, err)
	}
}

func TestCancellingTheContextStopsACallWithoutRetrying(t *testing.T) {
	var calls int32
	hung := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		atomic.AddInt32(&calls, 1)
		<-r.Context().Done()
	}))
	defer hung.Close()
	ctx, cancel := context.WithTimeout(testContext(t), 200*time.Millisecond)
	defer cancel()
	_, err := triggers.NewClient("tr_k", hung.URL).Events.Get(ctx, "evt_1")
	if !errors.Is(err, context.DeadlineExceeded) || atomic.LoadInt32(&calls) != 1 {
		t.Fatalf("want the context's error after one attempt, got %d, %v", calls, err)
	}
	short := triggers.NewClient("tr_k", hung.URL, triggers.WithTimeout(100*time.Millisecond), triggers.WithRetry(triggers.RetryPolicy{MaxAttempts: 1}))
	if _, err := short.Events.Get(testContext(t), "evt_1"); !errors.Is(err, triggers.ErrTimeout) {
		t.Fatalf("want a timeout, got %v", err)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// adminCall sends a request with the admin token and fails the test unless it answers 2xx.
func adminCall(t *testing.T, method, path, body string) []byte {
	t.Helper()
	return keyCall(t, server.adminToken, method, path, body)
}

// keyCall sends a raw request with a credential and fails the test unless it answers 2xx.
func keyCall(t *testing.T, credential, method, path, body string) []byte {
	t.Helper()
	req, _ := http.NewRequestWithContext(testContext(t), method, server.url+path, bytes.NewBufferString(body))
	req.Header.Set("Authorization", "Bearer "+credential)
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	data, _ := io.ReadAll(res.Body)
	if res.StatusCode/100 != 2 {
		t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, data)
	}
	return data
}

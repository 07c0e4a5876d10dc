package triggers_test

// WithOnResponse and ContextWithOnResponse against the real server: every attempt's status and
// headers, a 429 the chaos engine answered before the retry that succeeded included.

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"aftershock.dev/triggers"
)

// seenResponse is what a test keeps of each response a hook was told about.
type seenResponse struct {
	status               int
	requestID, remaining string
}

func recordResponses(into *[]seenResponse) func(*http.Response) {
	return func(res *http.Response) {
		*into = append(*into, seenResponse{res.StatusCode, res.Header.Get("X-Request-Id"), res.Header.Get("X-RateLimit-Remaining")})
	}
}

func TestOnResponseSeesEveryAttemptOfEveryCall(t *testing.T) {
	ctx := testContext(t)
	key := newKey(t, triggers.CreateAPIKeyInput{})
	rule := `{"rules":[{"id":"go-throttle-webhook-list","point":"http_in","match":{"method":"GET","route":"/v1/webhooks"},` +
		`"injector":{"kind":"http_error","status":429,"retry_after_s":0},"max_count":1,"duration":60000}]}`
	adminCall(t, http.MethodPut, "/_chaos/rules", rule)
	t.Cleanup(func() { adminCall(t, http.MethodDelete, "/_chaos/rules", "") })
	var everyCall, oneCall []seenResponse
	client := triggers.NewClient(key.Secret, server.url, triggers.WithOnResponse(recordResponses(&everyCall)),
		triggers.WithRetry(triggers.RetryPolicy{BaseDelay: 10 * time.Millisecond}))

	page, err := client.Webhooks.ListPage(triggers.ContextWithOnResponse(ctx, recordResponses(&oneCall)), triggers.WebhookQuery{}, "")
	if err != nil || len(page.Webhooks) != 0 {
		t.Fatalf("list after a 429: %+v %v", page, err)
	}
	if len(oneCall) != 2 || oneCall[0].status != 429 || oneCall[1].status != 200 {
		t.Fatalf("the call's hook should see the 429 and the retry's 200, saw %+v", oneCall)
	}
	if oneCall[0].requestID == "" || oneCall[1].requestID == "" || oneCall[0].requestID == oneCall[1].requestID {
		t.Fatalf("each attempt has its own request id, saw %+v", oneCall)
	}
	if oneCall[1].remaining == "" {
		t.Fatalf("the 200 carries X-RateLimit-Remaining, saw %+v", oneCall)
	}
	if len(everyCall) != 2 || everyCall[0] != oneCall[0] || everyCall[1] != oneCall[1] {
		t.Fatalf("the client's hook should see the same two responses, saw %+v", everyCall)
	}

	// A call without the per-call context reaches only the client's hook; a refused one is seen too,
	// with the request id its *APIError carries.
	_, err = client.Events.Get(ctx, "evt_missing")
	var apiErr *triggers.APIError
	if !errors.As(err, &apiErr) || apiErr.Status != 404 {
		t.Fatalf("want a 404, got %v", err)
	}
	if len(oneCall) != 2 || len(everyCall) != 3 || everyCall[2].status != 404 || everyCall[2].requestID != apiErr.RequestID {
		t.Fatalf("after the 404: call hook %+v, client hook %+v (error's request id %s)", oneCall, everyCall, apiErr.RequestID)
	}
}

func TestOnResponseCannotTakeTheBodyOrHeadersFromTheClient(t *testing.T) {
	ctx := testContext(t)
	key := newKey(t, triggers.CreateAPIKeyInput{})
	client := triggers.NewClient(key.Secret, server.url, triggers.WithOnResponse(func(res *http.Response) {
		res.Body.Close()
		res.Header.Del("Content-Disposition")
	}))
	event, err := client.Events.Create(ctx, triggers.CreateEventInput{Source: "go-observe", EventType: "x", Payload: map[string]any{}})
	if err != nil || event.EventID == "" {
		t.Fatalf("create with a hook that closes the body: %+v %v", event, err)
	}
	export, err := client.Analytics.Export(ctx, triggers.AnalyticsQuery{}, "csv")
	if err != nil {
		t.Fatal(err)
	}
	defer export.Body.Close()
	data, err := io.ReadAll(export.Body)
	if err != nil || !strings.HasPrefix(string(data), "period_start,") || !strings.HasPrefix(export.Filename, "analytics-hourly-") {
		t.Fatalf("the export's body and headers are the caller's whatever the hook does to its copy: %q %q %v", export.Filename, data, err)
	}
}

// Command error_handling shows the error model: every failure is an *APIError; errors.Is tests its
// kind, Code is the server's stable code, Details names the fields, RequestID goes in a bug report.
// A call that succeeds has a request id too: ContextWithOnResponse shows each response's headers.
package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"time"

	"aftershock.dev/triggers"
	"aftershock.dev/triggers/examples/internal/example"
)

func main() {
	example.Main("error_handling", "usage: TRIGGERS_API_URL=http://127.0.0.1:8080 TRIGGERS_API_KEY=tr_... error_handling", 0, 30*time.Second, func(ctx context.Context, _ []string) error {
		return run(ctx, os.Getenv("TRIGGERS_API_URL"), os.Getenv("TRIGGERS_API_KEY"))
	})
}

// describe is what a caller typically does with each kind of failure.
func describe(err error) string {
	var apiErr *triggers.APIError
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, triggers.ErrValidation) && errors.As(err, &apiErr):
		return "fix the request: " + string(apiErr.Details)
	case errors.Is(err, triggers.ErrUnauthorized):
		return "check the key"
	case errors.Is(err, triggers.ErrNotFound):
		return "no such resource in this tenant"
	case errors.Is(err, triggers.ErrConflict):
		return "conflict: use a new idempotency key for a different event"
	case errors.Is(err, triggers.ErrRateLimited) && errors.As(err, &apiErr):
		return fmt.Sprintf("slow down for %s", apiErr.RetryAfter)
	case errors.Is(err, triggers.ErrNetwork), errors.Is(err, triggers.ErrTimeout):
		return "no answer: safe to retry a create with the same idempotency key"
	case errors.As(err, &apiErr):
		return fmt.Sprintf("server error %d (request %s)", apiErr.Status, apiErr.RequestID)
	default:
		return "unexpected: " + err.Error()
	}
}

func run(ctx context.Context, baseURL, apiKey string) error {
	client := triggers.NewClient(apiKey, baseURL)
	var requestID string
	seen := triggers.ContextWithOnResponse(ctx, func(res *http.Response) { requestID = res.Header.Get("X-Request-Id") })
	if _, err := client.Events.Create(seen, triggers.CreateEventInput{Source: "shop", EventType: "order.created", Payload: map[string]any{}}); err != nil {
		return err
	}
	fmt.Println("created, request", requestID)

	_, err := client.Events.Create(ctx, triggers.CreateEventInput{Source: "", EventType: "bad type!"})
	fmt.Println("validation:", describe(err))

	_, err = client.Events.Get(ctx, "evt_00000000000000000000000000")
	fmt.Println("not found:", describe(err))

	key := triggers.WithIdempotencyKey(fmt.Sprintf("conflict-%d", time.Now().UnixNano()))
	if _, err := client.Events.Create(ctx, triggers.CreateEventInput{Source: "shop", EventType: "order.created", Payload: map[string]any{"order": 1}}, key); err != nil {
		return err
	}
	_, err = client.Events.Create(ctx, triggers.CreateEventInput{Source: "shop", EventType: "order.created", Payload: map[string]any{"order": 2}}, key)
	fmt.Println("conflict:", describe(err))

	_, err = triggers.NewClient("tr_not_a_real_key", baseURL).Events.Get(ctx, "evt_00000000000000000000000000")
	fmt.Println("unauthorized:", describe(err))

	nobody := triggers.NewClient(apiKey, "http://127.0.0.1:9", triggers.WithRetry(triggers.RetryPolicy{MaxAttempts: 1}))
	_, err = nobody.Events.Get(ctx, "evt_00000000000000000000000000")
	fmt.Println("network:", describe(err))
	return nil
}

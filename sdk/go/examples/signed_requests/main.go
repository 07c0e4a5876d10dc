// Command signed_requests signs every request with the key's signing secret; a key created with
// signing_mode "required" refuses anything unsigned.
//
//	TRIGGERS_API_KEY=tr_... TRIGGERS_SIGNING_SECRET=sk_... go run ./examples/signed_requests
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"time"

	"aftershock.dev/triggers"
	"aftershock.dev/triggers/examples/internal/example"
)

func main() {
	example.Main("signed_requests", "usage: TRIGGERS_API_URL=... TRIGGERS_API_KEY=tr_... TRIGGERS_SIGNING_SECRET=sk_... signed_requests", 0, 30*time.Second, func(ctx context.Context, _ []string) error {
		return run(ctx, os.Getenv("TRIGGERS_API_URL"), os.Getenv("TRIGGERS_API_KEY"), os.Getenv("TRIGGERS_SIGNING_SECRET"))
	})
}

func run(ctx context.Context, baseURL, apiKey, signingSecret string) error {
	signed := triggers.NewClient(apiKey, baseURL, triggers.WithSigningSecret(signingSecret))
	event, err := signed.Events.Create(ctx, triggers.CreateEventInput{Source: "billing", EventType: "invoice.paid", Payload: map[string]any{"invoice": 7}})
	if err != nil {
		return err
	}
	fmt.Println("signed create:", event.EventID)

	// Without the secret, a key whose mode is "required" answers 401 signature_missing.
	_, err = triggers.NewClient(apiKey, baseURL).Events.Get(ctx, event.EventID)
	var apiErr *triggers.APIError
	if errors.As(err, &apiErr) {
		fmt.Println("unsigned request:", apiErr.Code)
	} else {
		fmt.Println("unsigned request: accepted (the key does not require signing)")
	}
	return nil
}

// Command key_rotation rotates a key without downtime: the next version is created while the old one
// keeps working, clients switch over, then the old version is revoked.
//
//	TRIGGERS_API_KEY=tr_... TRIGGERS_KEY_ID=key_... go run ./examples/key_rotation
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
	example.Main("key_rotation", "usage: TRIGGERS_API_URL=... TRIGGERS_API_KEY=tr_... TRIGGERS_KEY_ID=key_... key_rotation", 0, 30*time.Second, func(ctx context.Context, _ []string) error {
		return run(ctx, os.Getenv("TRIGGERS_API_URL"), os.Getenv("TRIGGERS_API_KEY"), os.Getenv("TRIGGERS_KEY_ID"))
	})
}

func run(ctx context.Context, baseURL, apiKey, keyID string) error {
	oldClient := triggers.NewClient(apiKey, baseURL)

	// 1. The next version; the old key keeps authenticating for one day.
	next, err := oldClient.APIKeys.Rotate(ctx, keyID, 1)
	if err != nil {
		return err
	}
	fmt.Println("new version", next.Version, "old one", next.PreviousStatus)

	// 2. Both work during the overlap: deploy the new key and signing secret everywhere.
	newClient := triggers.NewClient(next.Secret, baseURL, triggers.WithSigningSecret(next.SigningSecret))
	for _, c := range []*triggers.Client{oldClient, newClient} {
		if _, err := c.Events.Create(ctx, triggers.CreateEventInput{Source: "rotation", EventType: "key.check", Payload: map[string]any{}}); err != nil {
			return err
		}
	}

	// 3. Once nothing uses the old key, end the overlap early.
	if _, err := newClient.APIKeys.Revoke(ctx, keyID); err != nil {
		return err
	}
	_, err = oldClient.Events.InboxPage(ctx, triggers.InboxQuery{Limit: 1}, "")
	fmt.Println("old key refused after revoke:", errors.Is(err, triggers.ErrUnauthorized))
	return nil
}

// Command webhook_receiver registers itself as a webhook, verifies each delivery with
// triggers.VerifyWebhook against the raw body, deduplicates on the delivery id, and exits after the
// first delivery of the event it created (or after 10 s).
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"aftershock.dev/triggers"
	"aftershock.dev/triggers/examples/internal/example"
)

func main() {
	example.Main("webhook_receiver", "usage: TRIGGERS_API_URL=... TRIGGERS_API_KEY=tr_... webhook_receiver", 0, 20*time.Second, func(ctx context.Context, _ []string) error {
		return run(ctx, os.Getenv("TRIGGERS_API_URL"), os.Getenv("TRIGGERS_API_KEY"))
	})
}

// receiver verifies deliveries and hands each new one to deliveries, once.
func receiver(secret func() string, deliveries chan<- []byte) http.Handler {
	var mu sync.Mutex
	seen := map[string]bool{}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		id, err := triggers.VerifyWebhook(secret(), body, r.Header)
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		w.WriteHeader(http.StatusNoContent) // answer at once; do slow work afterwards
		mu.Lock()
		defer mu.Unlock()
		if !seen[id] { // a redelivery carries the same id
			seen[id] = true
			deliveries <- body
		}
	})
}

func run(ctx context.Context, baseURL, apiKey string) error {
	client := triggers.NewClient(apiKey, baseURL)
	var mu sync.Mutex
	secret := ""
	deliveries := make(chan []byte, 16)
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: receiver(func() string { mu.Lock(); defer mu.Unlock(); return secret }, deliveries), ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(listener)
	defer srv.Close()

	hook, err := client.Webhooks.Create(ctx, triggers.CreateWebhookInput{URL: "http://" + listener.Addr().String() + "/hooks/triggers", Events: []string{"order.*"}})
	if err != nil {
		return err
	}
	defer client.Webhooks.Delete(context.Background(), hook.WebhookID)
	mu.Lock()
	secret = hook.Secret // shown only in this response: store it with the receiver
	mu.Unlock()

	event, err := client.Events.Create(ctx, triggers.CreateEventInput{Source: "shop", EventType: "order.shipped", Payload: map[string]any{"order": 42}})
	if err != nil {
		return err
	}
	timeout := time.After(10 * time.Second)
	for {
		select {
		case body := <-deliveries:
			var delivery struct {
				Type string
				Data struct {
					EventID string `json:"event_id"`
				}
			}
			if err := json.Unmarshal(body, &delivery); err != nil {
				return err
			}
			if delivery.Data.EventID == event.EventID {
				fmt.Println("verified delivery of", delivery.Data.EventID, delivery.Type)
				return nil
			}
		case <-timeout:
			return fmt.Errorf("no delivery of %s within 10 s", event.EventID)
		}
	}
}

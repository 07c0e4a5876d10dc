// Command basic_usage creates an event, reads it back, lists the inbox and acknowledges the event.
//
//	TRIGGERS_API_URL=http://127.0.0.1:8080 TRIGGERS_API_KEY=tr_... go run ./examples/basic_usage
package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"aftershock.dev/triggers"
	"aftershock.dev/triggers/examples/internal/example"
)

func main() {
	example.Main("basic_usage", "usage: TRIGGERS_API_URL=http://127.0.0.1:8080 TRIGGERS_API_KEY=tr_... basic_usage", 0, 30*time.Second, func(ctx context.Context, _ []string) error {
		return run(ctx, os.Getenv("TRIGGERS_API_URL"), os.Getenv("TRIGGERS_API_KEY"))
	})
}

func run(ctx context.Context, baseURL, apiKey string) error {
	if baseURL == "" || apiKey == "" {
		return fmt.Errorf("set TRIGGERS_API_URL and TRIGGERS_API_KEY (a tr_... key)")
	}
	client := triggers.NewClient(apiKey, baseURL, triggers.WithTimeout(5*time.Second))

	created, err := client.Events.Create(ctx, triggers.CreateEventInput{
		Source: "shop", EventType: "order.created", Payload: map[string]any{"order": 42},
	})
	if err != nil {
		return err
	}
	fmt.Println("created", created.EventID, created.Status)

	read, err := client.Events.Get(ctx, created.EventID)
	if err != nil {
		return err
	}
	fmt.Println("read back", read.EventType, string(read.Payload))

	pending := 0
	it := client.Inbox(triggers.InboxQuery{Source: "shop"})
	for it.Next(ctx) {
		pending++
	}
	if err := it.Err(); err != nil {
		return err
	}
	fmt.Println("pending in the inbox", pending)

	acked, err := client.Events.Ack(ctx, created.EventID)
	if err != nil {
		return err
	}
	fmt.Println("acknowledged", acked.Status)
	return nil
}

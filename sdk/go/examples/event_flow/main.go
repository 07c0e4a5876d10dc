// Command event_flow runs the event lifecycle: producers create events (a repeat with the same
// idempotency key returns the original), a consumer drains the inbox page by page and acks each.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"time"

	"aftershock.dev/triggers"
	"aftershock.dev/triggers/examples/internal/example"
)

func main() {
	example.Main("event_flow", "usage: TRIGGERS_API_URL=http://127.0.0.1:8080 TRIGGERS_API_KEY=tr_... event_flow", 0, 30*time.Second, func(ctx context.Context, _ []string) error {
		return run(ctx, triggers.NewClient(os.Getenv("TRIGGERS_API_KEY"), os.Getenv("TRIGGERS_API_URL")))
	})
}

func run(ctx context.Context, client *triggers.Client) error {
	batch := fmt.Sprintf("batch-%d", time.Now().UnixNano())

	// Producer: the idempotency key names the business fact, so sending it twice is harmless.
	var first *triggers.Event
	for n := 1; n <= 5; n++ {
		key := triggers.WithIdempotencyKey(fmt.Sprintf("%s-invoice-%d", batch, n))
		event, err := client.Events.Create(ctx, triggers.CreateEventInput{Source: batch, EventType: "invoice.paid", Payload: map[string]any{"invoice": n}}, key)
		if err != nil {
			return err
		}
		if n == 1 {
			first = event
			again, err := client.Events.Create(ctx, triggers.CreateEventInput{Source: batch, EventType: "invoice.paid", Payload: map[string]any{"invoice": n}}, key)
			if err != nil {
				return err
			}
			fmt.Println("same event on repeat:", again.EventID == first.EventID)
		}
	}

	// Consumer: two events per page, oldest first; the iterator follows the cursors.
	var handled []int
	it := client.Inbox(triggers.InboxQuery{Source: batch, Limit: 2})
	for it.Next(ctx) {
		var payload struct{ Invoice int }
		if err := json.Unmarshal(it.Value().Payload, &payload); err != nil {
			return err
		}
		handled = append(handled, payload.Invoice)
		if _, err := client.Events.Ack(ctx, it.Value().EventID); err != nil {
			return err
		}
	}
	if err := it.Err(); err != nil {
		return err
	}
	fmt.Println("handled invoices", handled)

	// Acknowledged events leave the inbox; deleting removes them for good.
	if err := client.Events.Delete(ctx, first.EventID); err != nil {
		return err
	}
	_, err := client.Events.Get(ctx, first.EventID)
	fmt.Println("deleted event gone:", errors.Is(err, triggers.ErrNotFound))
	return nil
}

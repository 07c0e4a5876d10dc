// Command dlq_replay replays a webhook's dead-lettered deliveries once its receiver is fixed, and
// waits (up to 15 s) until they are delivered.
//
//	TRIGGERS_API_KEY=tr_... go run ./examples/dlq_replay whk_...
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
	example.Main("dlq_replay", "usage: TRIGGERS_API_URL=... TRIGGERS_API_KEY=tr_... dlq_replay <webhook_id>", 1, 30*time.Second, func(ctx context.Context, args []string) error {
		return run(ctx, triggers.NewClient(os.Getenv("TRIGGERS_API_KEY"), os.Getenv("TRIGGERS_API_URL")), args[0])
	})
}

func run(ctx context.Context, client *triggers.Client, webhookID string) error {
	replayed := map[string]bool{}
	it := client.Webhooks.DLQ(webhookID)
	for it.Next(ctx) {
		entry := it.Value()
		fmt.Println("dead:", entry.DeliveryID, entry.Reason, "after", entry.Attempts, "attempts")
		replay, err := client.Webhooks.ReplayDLQDelivery(ctx, entry.DeliveryID)
		if err != nil {
			return err
		}
		fmt.Println("replayed:", replay.DeliveryID, replay.Status)
		replayed[replay.DeliveryID] = true
	}
	if err := it.Err(); err != nil {
		return err
	}
	// Or in one call: every dead delivery of the webhook created in a window.
	n, err := client.Webhooks.Replay(ctx, webhookID, time.Now().Add(-time.Hour), time.Now())
	if err != nil {
		return err
	}
	fmt.Println("replayed one by one", len(replayed), "and by window", n)

	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		page, err := client.Webhooks.DeliveriesPage(ctx, webhookID, triggers.DeliveryQuery{Status: "delivered", Limit: 100}, "")
		if err != nil {
			return err
		}
		done := 0
		for _, d := range page.Deliveries {
			if replayed[d.DeliveryID] {
				done++
			}
		}
		if done == len(replayed) {
			fmt.Println("delivered", done)
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d of %d replayed deliveries delivered within 15 s", done, len(replayed))
		}
	}
}

package triggers_test

// One page at a time, with its cursor, and a page size on every listing, against the real server:
// a page of 2 whose cursor yields the rest, iterators that ask for the size they were given, a size
// the server refuses as a validation error; and what a DLQ replay answers.

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"sync/atomic"
	"testing"

	"aftershock.dev/triggers"
)

// limitsSent counts the requests of a client and keeps the limit each one asked for.
type limitsSent struct {
	mu     sync.Mutex
	limits []string
}

func (l *limitsSent) client(apiKey string) *triggers.Client {
	return triggers.NewClient(apiKey, server.url, triggers.WithHTTPClient(&http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		l.mu.Lock()
		l.limits = append(l.limits, r.URL.Query().Get("limit"))
		l.mu.Unlock()
		return http.DefaultTransport.RoundTrip(r)
	})}))
}

func (l *limitsSent) take() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.limits
	l.limits = nil
	return out
}

// pageThrough follows a listing's cursors from the first page: the size of each page and every id.
func pageThrough(t *testing.T, fetch func(cursor string) ([]string, *string, bool, error)) (sizes []int, ids []string) {
	t.Helper()
	cursor := ""
	for {
		page, next, hasMore, err := fetch(cursor)
		if err != nil {
			t.Fatalf("page after cursor %q: %v", cursor, err)
		}
		if (next != nil) != hasMore {
			t.Fatalf("next_cursor %v with has_more %v", next, hasMore)
		}
		sizes, ids = append(sizes, len(page)), append(ids, page...)
		if next == nil {
			return sizes, ids
		}
		if cursor = *next; len(sizes) > 10 {
			t.Fatalf("still paging after %d pages", len(sizes))
		}
	}
}

func sameIDs(a, b []string) bool {
	a, b = append([]string(nil), a...), append([]string(nil), b...)
	sort.Strings(a)
	sort.Strings(b)
	return fmt.Sprint(a) == fmt.Sprint(b)
}

func TestWebhookAndAuditPagesFollowTheirCursors(t *testing.T) {
	ctx := testContext(t)
	key := newKey(t, triggers.CreateAPIKeyInput{})
	var sent limitsSent
	client := sent.client(key.Secret)
	var created []string
	for i := 0; i < 5; i++ {
		w, err := client.Webhooks.Create(ctx, triggers.CreateWebhookInput{URL: "http://127.0.0.1:9/hook", Events: []string{"none.*"}})
		if err != nil {
			t.Fatal(err)
		}
		created = append(created, w.WebhookID)
	}
	sent.take()

	sizes, ids := pageThrough(t, func(cursor string) ([]string, *string, bool, error) {
		p, err := client.Webhooks.ListPage(ctx, triggers.WebhookQuery{Limit: 2}, cursor)
		if err != nil {
			return nil, nil, false, err
		}
		var ids []string
		for _, w := range p.Webhooks {
			ids = append(ids, w.WebhookID)
		}
		return ids, p.NextCursor, p.HasMore, nil
	})
	if fmt.Sprint(sizes) != "[2 2 1]" || !sameIDs(ids, created) {
		t.Fatalf("webhook pages of 2: sizes %v, ids %v, want the 5 created %v", sizes, ids, created)
	}
	inactive := false
	if p, err := client.Webhooks.ListPage(ctx, triggers.WebhookQuery{Active: &inactive}, ""); err != nil || len(p.Webhooks) != 0 || p.NextCursor != nil {
		t.Fatalf("no inactive webhooks: %+v %v", p, err)
	}
	sent.take()
	all, err := client.Webhooks.List(nil).Limit(2).All(ctx)
	if limits := sent.take(); err != nil || !sameIDs(webhookIDs(all), created) || fmt.Sprint(limits) != "[2 2 2]" {
		t.Fatalf("List(nil).Limit(2): %d webhooks in requests with limits %v, %v", len(all), limits, err)
	}

	// The key's tenant sees its own audit entries: one webhook.create per webhook, newest first.
	sizes, ids = pageThrough(t, func(cursor string) ([]string, *string, bool, error) {
		p, err := client.Audit.ListPage(ctx, triggers.AuditQuery{Action: "webhook.create", Limit: 2}, cursor)
		if err != nil {
			return nil, nil, false, err
		}
		var targets []string
		for i, e := range p.Entries {
			if i > 0 && e.Index >= p.Entries[i-1].Index {
				t.Fatalf("audit entries not newest first: %d after %d", e.Index, p.Entries[i-1].Index)
			}
			targets = append(targets, *e.Target)
		}
		return targets, p.NextCursor, p.HasMore, nil
	})
	if fmt.Sprint(sizes) != "[2 2 1]" || !sameIDs(ids, created) {
		t.Fatalf("audit pages of 2: sizes %v, targets %v, want the 5 webhooks", sizes, ids)
	}
	sent.take()
	entries, err := client.Audit.List(triggers.AuditQuery{Action: "webhook.create", Limit: 4}).All(ctx)
	if limits := sent.take(); err != nil || len(entries) != 5 || fmt.Sprint(limits) != "[4 4]" {
		t.Fatalf("audit iterator with Limit 4: %d entries, limits %v, %v", len(entries), limits, err)
	}
	entries, err = client.Audit.List(triggers.AuditQuery{Action: "webhook.create", Limit: 4}).Limit(3).All(ctx)
	if limits := sent.take(); err != nil || len(entries) != 5 || fmt.Sprint(limits) != "[3 3]" {
		t.Fatalf("Iterator.Limit(3) over the query's 4: %d entries, limits %v, %v", len(entries), limits, err)
	}
}

func webhookIDs(hooks []triggers.Webhook) []string {
	var ids []string
	for _, w := range hooks {
		ids = append(ids, w.WebhookID)
	}
	return ids
}

func TestDeliveryAndDLQPagesAndTheReplayAnswer(t *testing.T) {
	ctx := testContext(t)
	key := newKey(t, triggers.CreateAPIKeyInput{})
	var sent limitsSent
	client := sent.client(key.Secret)
	var failing int32 = 1
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/dead" && atomic.LoadInt32(&failing) == 1 {
			w.WriteHeader(500)
		}
	}))
	defer receiver.Close()
	ok, err := client.Webhooks.Create(ctx, triggers.CreateWebhookInput{URL: receiver.URL + "/ok", Events: []string{"ok.*"}})
	if err != nil {
		t.Fatal(err)
	}
	dead, err := client.Webhooks.Create(ctx, triggers.CreateWebhookInput{URL: receiver.URL + "/dead", Events: []string{"dead.*"}})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		for _, eventType := range []string{"ok.one", "dead.one"} {
			if _, err := client.Events.Create(ctx, triggers.CreateEventInput{Source: "go-pages", EventType: eventType, Payload: map[string]any{"n": i}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	eventually(t, "3 delivered and 3 dead letters", func() bool {
		d, _ := client.Webhooks.DeliveriesPage(ctx, ok.WebhookID, triggers.DeliveryQuery{Status: "delivered"}, "")
		q, _ := client.Webhooks.DLQPage(ctx, triggers.DLQQuery{}, "")
		return d != nil && len(d.Deliveries) == 3 && q != nil && len(q.Entries) == 3
	})
	atomic.StoreInt32(&failing, 0)

	sizes, delivered := pageThrough(t, func(cursor string) ([]string, *string, bool, error) {
		p, err := client.Webhooks.DeliveriesPage(ctx, ok.WebhookID, triggers.DeliveryQuery{Status: "delivered", Limit: 2}, cursor)
		if err != nil {
			return nil, nil, false, err
		}
		var ids []string
		for _, d := range p.Deliveries {
			ids = append(ids, d.DeliveryID)
		}
		return ids, p.NextCursor, p.HasMore, nil
	})
	if fmt.Sprint(sizes) != "[2 1]" || len(delivered) != 3 {
		t.Fatalf("delivery pages of 2: sizes %v, ids %v", sizes, delivered)
	}
	newest, err := client.Webhooks.DeliveriesPage(ctx, ok.WebhookID, triggers.DeliveryQuery{Status: "delivered", Order: "desc"}, "")
	if err != nil {
		t.Fatal(err)
	}
	var newestIDs []string
	for _, d := range newest.Deliveries {
		newestIDs = append(newestIDs, d.DeliveryID)
	}
	if want := []string{delivered[2], delivered[1], delivered[0]}; fmt.Sprint(newestIDs) != fmt.Sprint(want) {
		t.Fatalf("Order desc: %v, want %v (the oldest-first pages reversed)", newestIDs, want)
	}
	sent.take()
	if all, err := client.Webhooks.Deliveries(ok.WebhookID, "").Limit(2).All(ctx); err != nil || len(all) != 3 || fmt.Sprint(sent.take()) != "[2 2]" {
		t.Fatalf("Deliveries(...).Limit(2): %d, %v", len(all), err)
	}

	sizes, deadIDs := pageThrough(t, func(cursor string) ([]string, *string, bool, error) {
		p, err := client.Webhooks.DLQPage(ctx, triggers.DLQQuery{WebhookID: dead.WebhookID, Limit: 2}, cursor)
		if err != nil {
			return nil, nil, false, err
		}
		var ids []string
		for _, e := range p.Entries {
			ids = append(ids, e.DeliveryID)
		}
		return ids, p.NextCursor, p.HasMore, nil
	})
	if fmt.Sprint(sizes) != "[2 1]" || len(deadIDs) != 3 {
		t.Fatalf("DLQ pages of 2: sizes %v, ids %v", sizes, deadIDs)
	}
	sent.take()
	if all, err := client.Webhooks.DLQ(dead.WebhookID).Limit(2).All(ctx); err != nil || !sameIDs(dlqIDs(all), deadIDs) || fmt.Sprint(sent.take()) != "[2 2]" {
		t.Fatalf("DLQ(...).Limit(2): %d, %v", len(all), err)
	}

	replayed, err := client.Webhooks.ReplayDLQDelivery(ctx, deadIDs[0])
	if err != nil || replayed.DeliveryID != deadIDs[0] || replayed.Status != "pending" {
		t.Fatalf("replay answer: %+v %v", replayed, err)
	}
	eventually(t, "the replayed delivery delivered", func() bool {
		d, _ := client.Webhooks.DeliveriesPage(ctx, dead.WebhookID, triggers.DeliveryQuery{Status: "delivered"}, "")
		return d != nil && len(d.Deliveries) == 1 && d.Deliveries[0].DeliveryID == deadIDs[0]
	})
	if _, err := client.Webhooks.ReplayDLQDelivery(ctx, deadIDs[0]); !errors.Is(err, triggers.ErrNotFound) {
		t.Fatalf("a delivery no longer dead-lettered: want not found, got %v", err)
	}
	if err := client.Webhooks.ReplayDLQ(ctx, deadIDs[1]); err != nil {
		t.Fatalf("ReplayDLQ still replays: %v", err)
	}
	if _, err := client.Webhooks.ReplayDLQDelivery(ctx, deadIDs[1]); !errors.Is(err, triggers.ErrNotFound) {
		t.Fatalf("after ReplayDLQ the delivery is no longer dead-lettered: want not found, got %v", err)
	}
}

func dlqIDs(entries []triggers.DLQEntry) []string {
	var ids []string
	for _, e := range entries {
		ids = append(ids, e.DeliveryID)
	}
	return ids
}

func TestKeyVersionPages(t *testing.T) {
	ctx := testContext(t)
	key := newKey(t, triggers.CreateAPIKeyInput{})
	latest := key
	for i := 0; i < 2; i++ {
		next, err := triggers.NewClient(latest.Secret, server.url).APIKeys.Rotate(ctx, latest.KeyID, 1)
		if err != nil {
			t.Fatal(err)
		}
		latest = &next.CreatedAPIKey
	}
	var sent limitsSent
	client := sent.client(latest.Secret)
	first, err := client.APIKeys.VersionsPage(ctx, key.KeyID, triggers.VersionsQuery{Limit: 2}, "")
	if err != nil || len(first.Versions) != 2 || !first.HasMore || first.NextCursor == nil || first.LineageID == "" {
		t.Fatalf("first page of 2 versions: %+v %v", first, err)
	}
	rest, err := client.APIKeys.VersionsPage(ctx, latest.KeyID, triggers.VersionsQuery{Limit: 2}, *first.NextCursor)
	if err != nil || len(rest.Versions) != 1 || rest.HasMore || rest.NextCursor != nil || rest.Versions[0].KeyID != latest.KeyID || rest.LineageID != first.LineageID {
		t.Fatalf("the cursor's page: %+v %v", rest, err)
	}
	if first.Versions[0].Version != 1 || first.Versions[1].Version != 2 || rest.Versions[0].Version != 3 {
		t.Fatalf("versions oldest first: %d %d %d", first.Versions[0].Version, first.Versions[1].Version, rest.Versions[0].Version)
	}
	sent.take()
	if all, err := client.APIKeys.Versions(key.KeyID).Limit(1).All(ctx); err != nil || len(all) != 3 || fmt.Sprint(sent.take()) != "[1 1 1]" {
		t.Fatalf("Versions(...).Limit(1): %d, %v", len(all), err)
	}
}

func TestALimitTheServerRefusesIsAValidationError(t *testing.T) {
	ctx := testContext(t)
	key := newKey(t, triggers.CreateAPIKeyInput{})
	client := triggers.NewClient(key.Secret, server.url)
	admin := triggers.NewClient(server.adminToken, server.url)
	hook, err := client.Webhooks.Create(ctx, triggers.CreateWebhookInput{URL: "http://127.0.0.1:9/hook", Events: []string{"none.*"}})
	if err != nil {
		t.Fatal(err)
	}
	refused := func(what string, err error) {
		t.Helper()
		var apiErr *triggers.APIError
		if !errors.As(err, &apiErr) || apiErr.Kind != triggers.KindValidation || apiErr.Status != 400 || !bytes.Contains(apiErr.Details, []byte("query.limit")) {
			t.Errorf("%s: want a validation error naming query.limit, got %v", what, err)
		}
	}
	for _, limit := range []int{-1, 101} {
		_, err := client.Webhooks.ListPage(ctx, triggers.WebhookQuery{Limit: limit}, "")
		refused(fmt.Sprint("ListPage ", limit), err)
		_, err = client.Webhooks.DeliveriesPage(ctx, hook.WebhookID, triggers.DeliveryQuery{Limit: limit}, "")
		refused(fmt.Sprint("DeliveriesPage ", limit), err)
		_, err = client.Webhooks.DLQPage(ctx, triggers.DLQQuery{Limit: limit}, "")
		refused(fmt.Sprint("DLQPage ", limit), err)
		_, err = client.APIKeys.VersionsPage(ctx, key.KeyID, triggers.VersionsQuery{Limit: limit}, "")
		refused(fmt.Sprint("VersionsPage ", limit), err)
		_, err = admin.Audit.ListPage(ctx, triggers.AuditQuery{Limit: limit}, "")
		refused(fmt.Sprint("Audit.ListPage ", limit), err)
		_, err = client.Events.InboxPage(ctx, triggers.InboxQuery{Limit: limit}, "")
		refused(fmt.Sprint("InboxPage ", limit), err)
	}
	_, err = client.Analytics.RowsPage(ctx, triggers.AnalyticsQuery{Limit: 501}, "")
	refused("RowsPage 501", err)
	if p, err := client.Analytics.RowsPage(ctx, triggers.AnalyticsQuery{Limit: 500}, ""); err != nil || p.MetricType != "hourly" || p.NextCursor != nil {
		t.Errorf("RowsPage 500 is within the analytics bound: %+v %v", p, err)
	}
	if p, err := client.Webhooks.ListPage(ctx, triggers.WebhookQuery{Limit: 100}, ""); err != nil || len(p.Webhooks) != 1 {
		t.Errorf("ListPage 100 is within the bound: %+v %v", p, err)
	}

	iterators := []struct {
		name     string
		tooLarge int
		run      func(limit int) error
	}{
		{"Webhooks.List", 101, func(n int) error { return drain(ctx, client.Webhooks.List(nil).Limit(n)) }},
		{"Deliveries", 101, func(n int) error { return drain(ctx, client.Webhooks.Deliveries(hook.WebhookID, "").Limit(n)) }},
		{"DLQ", 101, func(n int) error { return drain(ctx, client.Webhooks.DLQ("").Limit(n)) }},
		{"Versions", 101, func(n int) error { return drain(ctx, client.APIKeys.Versions(key.KeyID).Limit(n)) }},
		{"Audit.List", 101, func(n int) error { return drain(ctx, client.Audit.List(triggers.AuditQuery{}).Limit(n)) }},
		{"Inbox", 101, func(n int) error { return drain(ctx, client.Inbox(triggers.InboxQuery{}).Limit(n)) }},
		{"Analytics.Rows", 501, func(n int) error { return drain(ctx, client.Analytics.Rows(triggers.AnalyticsQuery{}).Limit(n)) }},
	}
	for _, it := range iterators {
		refused(fmt.Sprintf("%s.Limit(%d)", it.name, it.tooLarge), it.run(it.tooLarge))
		if err := it.run(1); err != nil {
			t.Errorf("%s.Limit(1): %v", it.name, err)
		}
	}
}

// drain runs an iterator to its end and returns what stopped it.
func drain[T any](ctx context.Context, it *triggers.Iterator[T]) error {
	n := 0
	for it.Next(ctx) {
		if n++; n > 200 {
			return errors.New("more than 200 items")
		}
	}
	return it.Err()
}

package triggers_test

// Webhooks (with a verifying receiver, the DLQ and replays), analytics, API keys and the audit log
// through the client against the real server.

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"aftershock.dev/triggers"
)

// eventually polls check every 50 ms until it holds, failing the test after 10 s.
func eventually(t *testing.T, what string, check func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !check(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s not seen within 10 s", what)
		}
	}
}

func TestWebhooksDeliveriesDLQAndReplay(t *testing.T) {
	ctx := testContext(t)
	client := triggers.NewClient(newKey(t, triggers.CreateAPIKeyInput{}).Secret, server.url)
	var failing int32 = 1
	var mu sync.Mutex
	var secret string
	verified := map[string]bool{}
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		id, err := triggers.VerifyWebhook(secret, body, r.Header)
		if err == nil {
			verified[id] = true
		}
		mu.Unlock()
		if err != nil || atomic.LoadInt32(&failing) == 1 {
			w.WriteHeader(500)
		}
	}))
	defer receiver.Close()

	hook, err := client.Webhooks.Create(ctx, triggers.CreateWebhookInput{URL: receiver.URL, Events: []string{"go.*"}})
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	secret = hook.Secret
	mu.Unlock()
	desc := "changed"
	if w, err := client.Webhooks.Update(ctx, hook.WebhookID, triggers.UpdateWebhookInput{Description: &desc}); err != nil || *w.Description != desc {
		t.Fatalf("update: %v", err)
	}
	active := true
	if all, err := client.Webhooks.List(&active).All(ctx); err != nil || len(all) != 1 {
		t.Fatalf("list: %d %v", len(all), err)
	}
	if res, err := client.Webhooks.Test(ctx, hook.WebhookID); err != nil || res.Success || *res.StatusCode != 500 {
		t.Fatalf("test send: %+v %v", res, err)
	}

	client.Events.Create(ctx, triggers.CreateEventInput{Source: "go", EventType: "go.dead", Payload: map[string]any{}})
	var dead []triggers.DLQEntry
	eventually(t, "a dead letter", func() bool { dead, _ = client.Webhooks.DLQ(hook.WebhookID).All(ctx); return len(dead) == 1 })
	atomic.StoreInt32(&failing, 0)
	if err := client.Webhooks.ReplayDLQ(ctx, dead[0].DeliveryID); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the replayed delivery", func() bool {
		d, _ := client.Webhooks.Deliveries(hook.WebhookID, "delivered").All(ctx)
		return len(d) == 1 && len(d[0].Attempts) >= 2
	})
	mu.Lock()
	if !verified[dead[0].DeliveryID] {
		t.Errorf("delivery %s never verified", dead[0].DeliveryID)
	}
	mu.Unlock()
	if n, err := client.Webhooks.Replay(ctx, hook.WebhookID, time.Now().Add(-time.Hour), time.Now()); err != nil || n != 0 {
		t.Fatalf("window replay: %d %v", n, err)
	}
	if m, err := client.Webhooks.Metrics(ctx, hook.WebhookID, 1); err != nil || m.Delivered != 1 {
		t.Fatalf("metrics: %+v %v", m, err)
	}
	if err := client.Webhooks.Delete(ctx, hook.WebhookID); err != nil {
		t.Fatal(err)
	}
	if _, err := client.Webhooks.Get(ctx, hook.WebhookID); !errors.Is(err, triggers.ErrNotFound) {
		t.Fatalf("want not found after delete, got %v", err)
	}
}

func TestAnalyticsSummaryAndStreamedExport(t *testing.T) {
	ctx := testContext(t)
	client := triggers.NewClient(newKey(t, triggers.CreateAPIKeyInput{}).Secret, server.url)
	client.Events.Create(ctx, triggers.CreateEventInput{Source: "go-analytics", EventType: "a.b", Payload: map[string]any{}})
	eventually(t, "an analytics row", func() bool {
		rows, _ := client.Analytics.Rows(triggers.AnalyticsQuery{}).All(ctx)
		return len(rows) == 1 && rows[0].SourceDistribution["go-analytics"] == 1
	})
	if s, err := client.Analytics.Summary(ctx, triggers.AnalyticsQuery{}, 3); err != nil || s.TotalEvents != 1 {
		t.Fatalf("summary: %+v %v", s, err)
	}
	export, err := client.Analytics.Export(ctx, triggers.AnalyticsQuery{}, "csv")
	if err != nil {
		t.Fatal(err)
	}
	defer export.Body.Close()
	header, _ := bufio.NewReader(export.Body).ReadString('\n')
	if !strings.HasPrefix(export.Filename, "analytics-hourly-") || !strings.HasPrefix(header, "period_start,period_end,metric_type") {
		t.Fatalf("export %q, header %q", export.Filename, header)
	}
}

func TestRotateWithZeroDaysKeepsTheDefaultTransitionAndEndTransitionNowEndsIt(t *testing.T) {
	ctx := testContext(t)
	key := newKey(t, triggers.CreateAPIKeyInput{})
	next, err := triggers.NewClient(key.Secret, server.url).APIKeys.Rotate(ctx, key.KeyID, 0)
	if err != nil || next.PreviousStatus != "rotating" || next.PreviousExpiresAt == nil {
		t.Fatalf("rotate with 0: %+v %v", next, err)
	}
	if until, err := time.Parse(time.RFC3339, *next.PreviousExpiresAt); err != nil || time.Until(until) < 6*24*time.Hour {
		t.Fatalf("the old version should keep working for the default 7 days, until %s (%v)", *next.PreviousExpiresAt, err)
	}
	now, err := triggers.NewClient(next.Secret, server.url).APIKeys.Rotate(ctx, next.KeyID, triggers.EndTransitionNow)
	if err != nil || now.PreviousStatus != "expired" {
		t.Fatalf("rotate with EndTransitionNow: %+v %v", now, err)
	}
}

func TestKeyRotationVersionsRevokeAndAudit(t *testing.T) {
	ctx := testContext(t)
	key := newKey(t, triggers.CreateAPIKeyInput{})
	old := triggers.NewClient(key.Secret, server.url)
	next, err := old.APIKeys.Rotate(ctx, key.KeyID, 1)
	if err != nil || next.PreviousStatus != "rotating" {
		t.Fatalf("rotate: %v", err)
	}
	if _, err := old.APIKeys.Rotate(ctx, key.KeyID, 1); !errors.Is(err, triggers.ErrConflict) {
		t.Fatalf("want conflict rotating twice, got %v", err)
	}
	fresh := triggers.NewClient(next.Secret, server.url)
	versions, err := fresh.APIKeys.Versions(key.KeyID).All(ctx)
	if err != nil || len(versions) != 2 || versions[1].KeyID != next.KeyID {
		t.Fatalf("versions: %v", err)
	}
	if k, err := fresh.APIKeys.Revoke(ctx, key.KeyID); err != nil || k.Status != "revoked" {
		t.Fatalf("revoke: %v", err)
	}
	if _, err := old.APIKeys.Get(ctx, next.KeyID); !errors.Is(err, triggers.ErrUnauthorized) {
		t.Fatalf("want the revoked key refused, got %v", err)
	}
	admin := triggers.NewClient(server.adminToken, server.url)
	entries, err := admin.Audit.List(triggers.AuditQuery{Action: "api_key.rotate"}).All(ctx)
	found := false
	for _, e := range entries {
		found = found || (e.Target != nil && *e.Target == key.KeyID)
	}
	if err != nil || !found {
		t.Fatalf("rotation not in the audit log: %v", err)
	}
	if v, err := admin.Audit.Verify(ctx); err != nil || !v.Valid {
		t.Fatalf("verify: %+v %v", v, err)
	}
}

func TestAuditVerifyRange(t *testing.T) {
	ctx := testContext(t)
	for i := 0; i < 3; i++ {
		newKey(t, triggers.CreateAPIKeyInput{}) // an audit entry each
	}
	admin := triggers.NewClient(server.adminToken, server.url)
	newest, err := admin.Audit.ListPage(ctx, triggers.AuditQuery{Limit: 1}, "")
	if err != nil || len(newest.Entries) != 1 || newest.Entries[0].Index < 2 {
		t.Fatalf("the newest entry: %+v %v", newest, err)
	}
	head := newest.Entries[0].Index
	to := head - 1
	v, err := admin.Audit.VerifyRange(ctx, triggers.AuditRange{From: head - 2, To: &to})
	if err != nil || !v.Valid || v.From != head-2 || v.To != head-1 || v.Checked != 2 {
		t.Fatalf("verify [%d, %d]: %+v %v", head-2, head-1, v, err)
	}
	if v, err = admin.Audit.VerifyRange(ctx, triggers.AuditRange{From: head}); err != nil || !v.Valid || v.From != head || v.To < head || v.Checked != v.To-head+1 {
		t.Fatalf("verify from %d to the newest: %+v %v", head, v, err)
	}
	if v, err = admin.Audit.Verify(ctx); err != nil || !v.Valid || v.From != 0 || v.Checked != v.To+1 || v.To < head {
		t.Fatalf("verify the whole chain: %+v %v", v, err)
	}
	one := 1
	_, err = admin.Audit.VerifyRange(ctx, triggers.AuditRange{From: 2, To: &one})
	var apiErr *triggers.APIError
	if !errors.As(err, &apiErr) || apiErr.Kind != triggers.KindValidation || !bytes.Contains(apiErr.Details, []byte("body.to")) {
		t.Fatalf("a range that ends before it starts: want a validation error naming body.to, got %v", err)
	}
}

package triggers_test

// Builds every program under examples/ and runs it against the real server, so the examples users
// copy (and docs/EXAMPLES.md quotes) cannot rot.

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"aftershock.dev/triggers"
)

var examples struct {
	once sync.Once
	dir  string
	err  error
}

// runExample runs examples/<name> with the key in its environment; the first call builds them all
// with one `go build`, which compiles the shared packages once.
func runExample(t *testing.T, name string, key *triggers.CreatedAPIKey, args ...string) string {
	t.Helper()
	examples.once.Do(func() {
		examples.dir, examples.err = os.MkdirTemp("", "triggers-examples-")
		if examples.err == nil {
			var out []byte
			if out, examples.err = exec.Command("go", "build", "-o", examples.dir, "./examples/...").CombinedOutput(); examples.err != nil {
				examples.err = fmt.Errorf("%v\n%s", examples.err, out)
			}
		}
	})
	if examples.err != nil {
		t.Fatalf("build examples: %v", examples.err)
	}
	cmd := exec.CommandContext(testContext(t), filepath.Join(examples.dir, name), args...)
	cmd.Env = append(os.Environ(), "TRIGGERS_API_URL="+server.url, "TRIGGERS_API_KEY="+key.Secret,
		"TRIGGERS_SIGNING_SECRET="+key.SigningSecret, "TRIGGERS_KEY_ID="+key.KeyID)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", name, err, out)
	}
	return string(out)
}

func expectLines(t *testing.T, output string, lines ...string) {
	t.Helper()
	for _, line := range lines {
		if !strings.Contains(output, line) {
			t.Errorf("output lacks %q:\n%s", line, output)
		}
	}
}

func TestExampleBasicUsage(t *testing.T) {
	out := runExample(t, "basic_usage", newKey(t, triggers.CreateAPIKeyInput{}))
	expectLines(t, out, "read back order.created {\"order\":42}", "pending in the inbox 1", "acknowledged acknowledged")
}

func TestExampleEventFlow(t *testing.T) {
	out := runExample(t, "event_flow", newKey(t, triggers.CreateAPIKeyInput{}))
	expectLines(t, out, "same event on repeat: true", "handled invoices [1 2 3 4 5]", "deleted event gone: true")
}

func TestExampleErrorHandling(t *testing.T) {
	out := runExample(t, "error_handling", newKey(t, triggers.CreateAPIKeyInput{}))
	expectLines(t, out, "created, request req_", `validation: fix the request: [{"field":"body.source"`, "not found: no such resource", "conflict: conflict:",
		"unauthorized: check the key", "network: no answer")
}

func TestExampleSignedRequests(t *testing.T) {
	out := runExample(t, "signed_requests", newKey(t, triggers.CreateAPIKeyInput{SigningMode: "required"}))
	expectLines(t, out, "signed create: evt_", "unsigned request: signature_missing")
}

func TestExampleWebhookReceiver(t *testing.T) {
	expectLines(t, runExample(t, "webhook_receiver", newKey(t, triggers.CreateAPIKeyInput{})), "verified delivery of evt_", "order.shipped")
}

func TestExampleKeyRotation(t *testing.T) {
	expectLines(t, runExample(t, "key_rotation", newKey(t, triggers.CreateAPIKeyInput{})), "new version 2 old one rotating", "old key refused after revoke: true")
}

func TestExampleDLQReplay(t *testing.T) {
	ctx := testContext(t)
	key := newKey(t, triggers.CreateAPIKeyInput{})
	client := triggers.NewClient(key.Secret, server.url)
	var failing int32 = 1
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if atomic.LoadInt32(&failing) == 1 {
			w.WriteHeader(503)
		}
	}))
	defer receiver.Close()
	hook, err := client.Webhooks.Create(ctx, triggers.CreateWebhookInput{URL: receiver.URL, Events: []string{"*"}})
	if err != nil {
		t.Fatal(err)
	}
	client.Events.Create(ctx, triggers.CreateEventInput{Source: "dlq", EventType: "order.created", Payload: map[string]any{}})
	eventually(t, "a dead letter", func() bool { d, _ := client.Webhooks.DLQ(hook.WebhookID).All(ctx); return len(d) == 1 })
	atomic.StoreInt32(&failing, 0)
	expectLines(t, runExample(t, "dlq_replay", key, hook.WebhookID), "replayed: dlv_", "pending", "replayed one by one 1 and by window 0", "delivered 1")
}

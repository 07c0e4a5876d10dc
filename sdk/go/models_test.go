package triggers_test

// The Go models against real responses: every field the server sends must have a place in the
// model, and the model must have no field the server does not send, so the two cannot drift.

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sort"
	"testing"

	"aftershock.dev/triggers"
)

// sameFields fails the test unless raw (a JSON object) and model, filled from raw and encoded
// again, have the same field names.
func sameFields(t *testing.T, what string, raw json.RawMessage, model any) {
	t.Helper()
	keys := func(data []byte) []string {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("%s: %v in %s", what, err, data)
		}
		var out []string
		for k := range m {
			out = append(out, k)
		}
		sort.Strings(out)
		return out
	}
	if err := json.Unmarshal(raw, model); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	again, _ := json.Marshal(model)
	if server, sdk := keys(raw), keys(again); !reflect.DeepEqual(server, sdk) {
		t.Errorf("%s drifted:\n server %v\n model  %v", what, server, sdk)
	}
}

// field picks one member of a JSON object (and index i of it, when it is an array).
func field(t *testing.T, raw []byte, name string, i int) json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	json.Unmarshal(raw, &m)
	if i < 0 {
		return m[name]
	}
	var items []json.RawMessage
	json.Unmarshal(m[name], &items)
	if len(items) <= i {
		t.Fatalf("no %s[%d] in %s", name, i, raw)
	}
	return items[i]
}

func TestModelsMatchTheServersResponses(t *testing.T) {
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(500) }))
	defer receiver.Close()
	created := adminCall(t, http.MethodPost, "/v1/api-keys", `{"name":"models"}`)
	sameFields(t, "CreatedAPIKey", created, &triggers.CreatedAPIKey{})
	var key triggers.CreatedAPIKey
	json.Unmarshal(created, &key)
	call := func(method, path, body string) []byte { return keyCall(t, key.Secret, method, path, body) }

	hook := call(http.MethodPost, "/v1/webhooks", `{"url":"`+receiver.URL+`","events":["m.*"]}`)
	sameFields(t, "CreatedWebhook", hook, &triggers.CreatedWebhook{})
	var w triggers.CreatedWebhook
	json.Unmarshal(hook, &w)
	sameFields(t, "Webhook", call(http.MethodGet, "/v1/webhooks/"+w.WebhookID, ""), &triggers.Webhook{})
	sameFields(t, "Event", call(http.MethodPost, "/v1/events", `{"source":"models","event_type":"m.x","payload":{}}`), &triggers.Event{})
	sameFields(t, "WebhookTestResult", call(http.MethodPost, "/v1/webhooks/"+w.WebhookID+"/test", ""), &triggers.WebhookTestResult{})
	var dlq []byte
	eventually(t, "a dead letter", func() bool {
		dlq = call(http.MethodGet, "/v1/webhooks/dlq", "")
		return len(field(t, dlq, "entries", -1)) > 2
	})
	sameFields(t, "DLQEntry", field(t, dlq, "entries", 0), &triggers.DLQEntry{})
	delivery := field(t, call(http.MethodGet, "/v1/webhooks/"+w.WebhookID+"/deliveries", ""), "deliveries", 0)
	sameFields(t, "Delivery", delivery, &triggers.Delivery{})
	sameFields(t, "DeliveryAttempt", field(t, delivery, "attempts", 0), &triggers.DeliveryAttempt{})
	sameFields(t, "WebhookMetrics", call(http.MethodGet, "/v1/webhooks/"+w.WebhookID+"/metrics", ""), &triggers.WebhookMetrics{})

	sameFields(t, "APIKey", call(http.MethodGet, "/v1/api-keys/"+key.KeyID, ""), &triggers.APIKey{})
	sameFields(t, "RotatedAPIKey", call(http.MethodPost, "/v1/api-keys/"+key.KeyID+"/rotate", `{"transition_days":1}`), &triggers.RotatedAPIKey{})
	var rows []byte
	eventually(t, "an analytics row", func() bool {
		rows = call(http.MethodGet, "/v1/analytics", "")
		return len(field(t, rows, "data", -1)) > 2
	})
	sameFields(t, "AnalyticsRow", field(t, rows, "data", 0), &triggers.AnalyticsRow{})
	sameFields(t, "AnalyticsSummary", call(http.MethodGet, "/v1/analytics/summary", ""), &triggers.AnalyticsSummary{})
	sameFields(t, "AuditEntry", field(t, adminCall(t, http.MethodGet, "/v1/audit?limit=1", ""), "entries", 0), &triggers.AuditEntry{})
	sameFields(t, "AuditVerification", adminCall(t, http.MethodPost, "/v1/audit/verify", "{}"), &triggers.AuditVerification{})
}

package triggers_test

// Request signing reproduces docs/SECURITY.md's test vector, and webhook verification accepts both
// header families and refuses with a reason.

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"strconv"
	"testing"
	"time"

	"aftershock.dev/triggers"
)

func TestSignRequestReproducesTheDocumentedVector(t *testing.T) {
	raw := "source=shop&limit=10&tag=b&tag=a%20b&note=caf%C3%A9%21"
	if got := triggers.CanonicalQuery(raw); got != "limit=10&note=caf%C3%A9%21&source=shop&tag=a%20b&tag=b" {
		t.Fatalf("canonical query %q", got)
	}
	got := triggers.SignRequest("sk_test_vector_secret_0123456789abcdefghijklmnop", triggers.RequestToSign{
		Method: "post", Path: "/v1/events", RawQuery: raw, Timestamp: 1767225600,
		Body: []byte(`{"source":"shop","event_type":"order.created","payload":{"order":42}}`),
	})
	if got != "EKqo6y1bIPWsdGTUiGun7WJLsfpxGWaSG5jBiBbJwAQ=" {
		t.Fatalf("signature %q", got)
	}
}

func TestSignRequestReproducesTheDocumentedVectorWithANonce(t *testing.T) {
	got := triggers.SignRequest("sk_test_vector_secret_0123456789abcdefghijklmnop", triggers.RequestToSign{
		Method: "POST", Path: "/v1/events", RawQuery: "source=shop&limit=10&tag=b&tag=a%20b&note=caf%C3%A9%21", Timestamp: 1767225600,
		Body:  []byte(`{"source":"shop","event_type":"order.created","payload":{"order":42}}`),
		Nonce: "n0nce_0123456789-abcdef",
	})
	if got != "fsdowWAHlCF8pT5YVh7cDFC7dZWTNYzJG8C/JQH11vg=" {
		t.Fatalf("signature %q", got)
	}
	if a, b := triggers.NewSignatureNonce(), triggers.NewSignatureNonce(); len(a) != 22 || a == b {
		t.Fatalf("nonces %q %q", a, b)
	}
}

func TestCanonicalQueryKeepsPlusBareNamesAndMalformedEscapes(t *testing.T) {
	if got := triggers.CanonicalQuery("b=1+2&a&c=%zz&a-b=0&d=%C3"); got != "a=&a-b=0&b=1%2B2&c=%25zz&d=%25C3" {
		t.Fatalf("got %q", got)
	}
}

func TestVerifyWebhookBothFamiliesAndReasons(t *testing.T) {
	key := make([]byte, 32)
	for i := range key {
		key[i] = 7
	}
	secret := "whsec_" + base64.StdEncoding.EncodeToString(key)
	body := []byte(`{"type":"order.created","delivery_id":"dlv_1"}`)
	now := time.Unix(1_800_000_000, 0)
	ts := strconv.FormatInt(now.Unix(), 10)
	mac := func(msg string) []byte { m := hmac.New(sha256.New, key); m.Write([]byte(msg)); return m.Sum(nil) }

	standard := http.Header{}
	standard.Set("webhook-id", "dlv_1")
	standard.Set("webhook-timestamp", ts)
	standard.Set("webhook-signature", "v1,bm9wZQ== v1,"+base64.StdEncoding.EncodeToString(mac("dlv_1."+ts+"."+string(body))))
	if id, err := triggers.VerifyWebhook(secret, body, standard, triggers.VerifyOptions{Now: now}); err != nil || id != "dlv_1" {
		t.Fatalf("standard: %q %v", id, err)
	}
	ours := http.Header{}
	ours.Set("X-Webhook-Id", "dlv_1")
	ours.Set("X-Webhook-Timestamp", ts)
	ours.Set("X-Webhook-Signature", "v1="+hex.EncodeToString(mac(ts+"."+string(body))))
	if id, err := triggers.VerifyWebhook(secret, body, ours, triggers.VerifyOptions{Now: now}); err != nil || id != "dlv_1" {
		t.Fatalf("x-webhook: %q %v", id, err)
	}
	// X-Webhook-Id is not signed: the id comes from the signed body, and a header that differs is refused.
	ours.Del("X-Webhook-Id")
	if id, err := triggers.VerifyWebhook(secret, body, ours, triggers.VerifyOptions{Now: now}); err != nil || id != "dlv_1" {
		t.Fatalf("x-webhook without its id header: %q %v", id, err)
	}
	ours.Set("X-Webhook-Id", "dlv_2")
	var refused *triggers.WebhookVerifyError
	if _, err := triggers.VerifyWebhook(secret, body, ours, triggers.VerifyOptions{Now: now}); !errors.As(err, &refused) || refused.Reason != "invalid_signature" {
		t.Fatalf("x-webhook with another id: %v", err)
	}
	ours.Set("X-Webhook-Id", "dlv_1")

	reason := func(err error) string {
		var v *triggers.WebhookVerifyError
		if !errors.As(err, &v) {
			t.Fatalf("not a WebhookVerifyError: %v", err)
		}
		return v.Reason
	}
	cases := map[string]error{}
	_, cases["invalid_signature"] = triggers.VerifyWebhook(secret, []byte(`{"type":"other"}`), standard, triggers.VerifyOptions{Now: now})
	_, cases["timestamp_too_old"] = triggers.VerifyWebhook(secret, body, ours, triggers.VerifyOptions{Now: now.Add(301 * time.Second)})
	_, cases["timestamp_too_new"] = triggers.VerifyWebhook(secret, body, ours, triggers.VerifyOptions{Now: now.Add(-301 * time.Second)})
	_, cases["missing_headers"] = triggers.VerifyWebhook(secret, body, http.Header{}, triggers.VerifyOptions{Now: now})
	_, cases["bad_secret"] = triggers.VerifyWebhook("whsec_short", body, ours, triggers.VerifyOptions{Now: now})
	for want, err := range cases {
		if got := reason(err); got != want {
			t.Errorf("want %s, got %s", want, got)
		}
	}
}

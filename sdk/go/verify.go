package triggers

// Verifies a webhook delivery on the receiving side, with either header family the server sends:
// Standard Webhooks (webhook-*) or X-Webhook-*, both keyed by the decoded whsec_ secret.

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// WebhookVerifyError says why a delivery was refused: missing_headers, invalid_signature,
// timestamp_too_old, timestamp_too_new or bad_secret.
type WebhookVerifyError struct{ Reason string }

func (e *WebhookVerifyError) Error() string { return "triggers: webhook refused: " + e.Reason }

// VerifyOptions tunes VerifyWebhook; the zero value means now and 5 minutes.
type VerifyOptions struct {
	Now       time.Time     // the receiver's clock (default time.Now()): inject it for deterministic tests
	Tolerance time.Duration // accepted clock distance either way (default 5 minutes)
}

var (
	timestampPattern = regexp.MustCompile(`^\d{1,15}$`)
	base64Pattern    = regexp.MustCompile(`^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$`)
)

// VerifyWebhook checks a delivery against its raw body bytes, before any JSON parsing, and returns
// the delivery id (deduplicate on it) or a *WebhookVerifyError. It uses the webhook-* headers when
// present (several space-separated signatures are accepted, for secret rotation), otherwise
// X-Webhook-Timestamp and X-Webhook-Signature. Comparisons are constant-time. The id returned is
// always a signed one: webhook-id is signed with Standard Webhooks, while X-Webhook-Signature covers
// only the timestamp and body, so there the id is the body's delivery_id (an X-Webhook-Id that
// differs from it is refused as invalid_signature).
func VerifyWebhook(secret string, body []byte, header http.Header, opts ...VerifyOptions) (string, error) {
	var o VerifyOptions
	if len(opts) > 0 {
		o = opts[0]
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.Tolerance <= 0 {
		o.Tolerance = 5 * time.Minute
	}
	key, ok := webhookKey(secret)
	if !ok {
		return "", &WebhookVerifyError{"bad_secret"}
	}
	standard := header.Get("webhook-signature") != ""
	prefix := "x-webhook-"
	if standard {
		prefix = "webhook-"
	}
	id := header.Get(prefix + "id")
	timestamp := header.Get(prefix + "timestamp")
	signatures := strings.Join(header.Values(prefix+"signature"), " ")
	if (standard && id == "") || signatures == "" || !timestampPattern.MatchString(timestamp) {
		return "", &WebhookVerifyError{"missing_headers"}
	}
	ts, _ := strconv.ParseInt(timestamp, 10, 64) // the pattern above guarantees a number
	now := o.Now.Unix()
	tolerance := int64(o.Tolerance / time.Second)
	if now-ts > tolerance {
		return "", &WebhookVerifyError{"timestamp_too_old"}
	}
	if ts-now > tolerance {
		return "", &WebhookVerifyError{"timestamp_too_new"}
	}
	mac := hmac.New(sha256.New, key)
	var expected string
	if standard {
		mac.Write([]byte(id + "." + timestamp + "."))
		mac.Write(body)
		expected = "v1," + base64.StdEncoding.EncodeToString(mac.Sum(nil))
	} else {
		mac.Write([]byte(timestamp + "."))
		mac.Write(body)
		expected = "v1=" + hex.EncodeToString(mac.Sum(nil))
	}
	matched := false
	for _, candidate := range strings.Fields(signatures) {
		matched = matched || hmac.Equal([]byte(candidate), []byte(expected))
	}
	if !matched {
		return "", &WebhookVerifyError{"invalid_signature"}
	}
	if standard {
		return id, nil
	}
	// X-Webhook-Id is not signed: deduplicating on it would let a replay pick any id.
	var signed struct {
		DeliveryID string `json:"delivery_id"`
	}
	if json.Unmarshal(body, &signed) != nil || signed.DeliveryID == "" {
		return "", &WebhookVerifyError{"missing_headers"}
	}
	if id != "" && id != signed.DeliveryID {
		return "", &WebhookVerifyError{"invalid_signature"}
	}
	return signed.DeliveryID, nil
}

// webhookKey decodes whsec_ + standard base64 of 24-64 bytes, as the server accepts.
func webhookKey(secret string) ([]byte, bool) {
	encoded := strings.TrimPrefix(secret, "whsec_")
	if encoded == secret || encoded == "" || !base64Pattern.MatchString(encoded) {
		return nil, false
	}
	key, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil || len(key) < 24 || len(key) > 64 {
		return nil, false
	}
	return key, true
}

package triggers

// Request signing (docs/SECURITY.md#request-signing): the canonical query, the string to sign and
// the signature. Pure: the timestamp and the nonce are parameters.

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// RequestToSign is what one request signs: Path without the query, RawQuery the text after '?'.
type RequestToSign struct {
	Method    string
	Path      string
	RawQuery  string
	Timestamp int64 // Unix seconds
	Body      []byte
	// Nonce is X-Signature-Nonce (8-64 of A-Z a-z 0-9 - _), signed as a sixth line when not empty, so
	// identical requests in one second (a retry, a poll) sign differently: without it two of them carry
	// one signature, and the server refuses the second as a replay.
	Nonce string
}

// encodeRFC3986 escapes everything but A-Z a-z 0-9 - . _ ~ as %XX (upper-case hex, UTF-8 bytes).
func encodeRFC3986(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if ('A' <= c && c <= 'Z') || ('a' <= c && c <= 'z') || ('0' <= c && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~' {
			b.WriteByte(c)
		} else {
			b.WriteString("%" + strings.ToUpper(hex.EncodeToString([]byte{c})))
		}
	}
	return b.String()
}

// decodeOnce percent-decodes; '+' stays a plus, and a malformed escape (or one that is not UTF-8) is kept as sent.
func decodeOnce(s string) string {
	decoded, err := url.PathUnescape(s)
	if err != nil || !utf8.ValidString(decoded) {
		return s
	}
	return decoded
}

// CanonicalQuery decodes each name=value once, re-encodes with RFC 3986, sorts by encoded name then
// value (byte order) and joins with '&'. A bare name is "name=".
func CanonicalQuery(rawQuery string) string {
	type pair struct{ name, value string }
	var pairs []pair
	for _, part := range strings.Split(rawQuery, "&") {
		if part == "" {
			continue
		}
		name, value := part, ""
		if eq := strings.IndexByte(part, '='); eq >= 0 {
			name, value = part[:eq], part[eq+1:]
		}
		pairs = append(pairs, pair{encodeRFC3986(decodeOnce(name)), encodeRFC3986(decodeOnce(value))})
	}
	sort.SliceStable(pairs, func(i, j int) bool {
		if pairs[i].name != pairs[j].name {
			return pairs[i].name < pairs[j].name
		}
		return pairs[i].value < pairs[j].value
	})
	parts := make([]string, len(pairs))
	for i, p := range pairs {
		parts[i] = p.name + "=" + p.value
	}
	return strings.Join(parts, "&")
}

// StringToSign is METHOD\nPATH\nCANONICAL_QUERY\nTIMESTAMP\nSHA256_HEX(body), then \nNONCE when there is one.
func StringToSign(r RequestToSign) string {
	sum := sha256.Sum256(r.Body)
	lines := []string{strings.ToUpper(r.Method), r.Path, CanonicalQuery(r.RawQuery), strconv.FormatInt(r.Timestamp, 10), hex.EncodeToString(sum[:])}
	if r.Nonce != "" {
		lines = append(lines, r.Nonce)
	}
	return strings.Join(lines, "\n")
}

// SignRequest is the base64 HMAC-SHA256 of the string to sign with the key's signing secret (sk_...).
func SignRequest(signingSecret string, r RequestToSign) string {
	mac := hmac.New(sha256.New, []byte(signingSecret))
	mac.Write([]byte(StringToSign(r)))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

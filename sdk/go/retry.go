package triggers

// When and how long to wait before retrying a call. Pure: randomness is a parameter.

import (
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy bounds retries; the zero value of a field means its default.
type RetryPolicy struct {
	MaxAttempts   int           // attempts in all, the first included (default 3; 1 turns retries off)
	BaseDelay     time.Duration // before the first retry (default 200 ms), doubling each retry
	MaxDelay      time.Duration // upper bound of the backoff (default 5 s)
	MaxRetryAfter time.Duration // longest Retry-After the client waits (default 30 s); longer is returned to the caller
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts < 1 {
		p.MaxAttempts = 3
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = 200 * time.Millisecond
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 5 * time.Second
	}
	if p.MaxRetryAfter <= 0 {
		p.MaxRetryAfter = 30 * time.Second
	}
	return p
}

// retryable: 429 and 503 mean the work was not done, so any call may repeat them; a lost answer
// (network error, timeout, 502, 504) only an idempotent call: a GET or a create with an Idempotency-Key.
func retryable(err *APIError, idempotent bool) bool {
	switch {
	case err.Status == 429 || err.Status == 503:
		return true
	case err.Status == 502 || err.Status == 504 || err.Kind == KindNetwork || err.Kind == KindTimeout:
		return idempotent
	default:
		return false
	}
}

// retryDelay is exponential backoff with equal jitter (half fixed, half random), raised to the
// server's Retry-After when it asks for longer. retry is 1 for the first retry.
func retryDelay(retry int, p RetryPolicy, random func() float64, retryAfter time.Duration) time.Duration {
	ceiling := math.Min(float64(p.MaxDelay), float64(p.BaseDelay)*math.Pow(2, float64(retry-1)))
	backoff := time.Duration(ceiling/2 + random()*ceiling/2)
	if retryAfter > backoff {
		return retryAfter
	}
	return backoff
}

// parseRetryAfter reads delta seconds or an HTTP date; 0 when absent or unreadable.
func parseRetryAfter(header string, now time.Time) time.Duration {
	header = strings.TrimSpace(header)
	if header == "" {
		return 0
	}
	if secs, err := strconv.ParseFloat(header, 64); err == nil && secs >= 0 {
		return time.Duration(secs * float64(time.Second))
	}
	if at, err := http.ParseTime(header); err == nil && at.After(now) {
		return at.Sub(now)
	}
	return 0
}

package triggers

// The pure retry rules: which failures repeat, the backoff with jitter, and Retry-After parsing.

import (
	"net/http"
	"testing"
	"time"
)

func TestRetryableOnlyWhereARepeatIsHarmless(t *testing.T) {
	cases := []struct {
		err        *APIError
		idempotent bool
		want       bool
	}{
		{&APIError{Kind: KindRateLimited, Status: 429}, false, true},
		{&APIError{Kind: KindServer, Status: 503}, false, true},
		{&APIError{Kind: KindServer, Status: 502}, false, false},
		{&APIError{Kind: KindServer, Status: 502}, true, true},
		{&APIError{Kind: KindServer, Status: 500}, true, false},
		{&APIError{Kind: KindNetwork}, false, false},
		{&APIError{Kind: KindNetwork}, true, true},
		{&APIError{Kind: KindTimeout}, true, true},
		{&APIError{Kind: KindConflict, Status: 409}, true, false},
	}
	for _, c := range cases {
		if got := retryable(c.err, c.idempotent); got != c.want {
			t.Errorf("retryable(%s %d, idempotent=%v) = %v", c.err.Kind, c.err.Status, c.idempotent, got)
		}
	}
}

func TestRetryDelayDoublesWithJitterUpToTheCapAndHonoursRetryAfter(t *testing.T) {
	p := RetryPolicy{BaseDelay: 100 * time.Millisecond, MaxDelay: 300 * time.Millisecond}.withDefaults()
	half := func() float64 { return 0.5 }
	got := []time.Duration{retryDelay(1, p, half, 0), retryDelay(2, p, half, 0), retryDelay(3, p, half, 0)}
	want := []time.Duration{75 * time.Millisecond, 150 * time.Millisecond, 225 * time.Millisecond}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("delays %v, want %v", got, want)
		}
	}
	if d := retryDelay(1, p, func() float64 { return 0 }, 0); d != 50*time.Millisecond {
		t.Fatalf("no jitter drawn: %v", d)
	}
	if d := retryDelay(1, p, half, 2*time.Second); d != 2*time.Second {
		t.Fatalf("Retry-After ignored: %v", d)
	}
}

func TestParseRetryAfterSecondsAndHTTPDate(t *testing.T) {
	now := time.Date(2026, 12, 5, 3, 0, 0, 0, time.UTC)
	if d := parseRetryAfter("3", now); d != 3*time.Second {
		t.Fatalf("seconds: %v", d)
	}
	if d := parseRetryAfter(now.Add(10*time.Second).Format(http.TimeFormat), now); d != 10*time.Second {
		t.Fatalf("date: %v", d)
	}
	if d := parseRetryAfter("soon", now); d != 0 {
		t.Fatalf("junk: %v", d)
	}
}

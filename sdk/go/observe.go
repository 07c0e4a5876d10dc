package triggers

// Every response seen: a hook told about each HTTP answer of a call, one per attempt, so a caller
// can read the status and headers (X-Request-Id, X-RateLimit-Remaining) of calls that succeed too.

import (
	"context"
	"net/http"
)

// WithOnResponse calls fn with every HTTP response the client receives: one per attempt, a retried
// 429 or 503 included, as soon as its headers arrive and before the client reads the body. An attempt
// that got no answer (connection failed, timeout) has no response and no call.
//
// fn gets a copy of the response with its own Header and an empty Body (the client reads the body
// itself), so it may keep the copy. It runs on the calling goroutine, between the attempt and the
// decision to retry: keep it short. Use it for what every call shares (logging request ids, watching
// X-RateLimit-Remaining); for one call, see ContextWithOnResponse. Both are called when both are set,
// the client's first.
//
// A wrapping http.RoundTripper (WithHTTPClient) could see the same, but it would have to copy the
// response to leave the body to the client; this hook does that once, for every call of the client.
func WithOnResponse(fn func(*http.Response)) Option { return func(c *Client) { c.onResponse = fn } }

type onResponseKey struct{}

// ContextWithOnResponse returns a context whose calls report each response to fn, as WithOnResponse
// does for a whole client: pass it to one call (or one iterator's Next) to see that call's answers.
// A context, following net/http/httptrace.WithClientTrace, rather than a parameter of every method:
// every call already takes a context, so no signature changes. Hooks of enclosing contexts still run,
// the outer first.
func ContextWithOnResponse(ctx context.Context, fn func(*http.Response)) context.Context {
	if prev, ok := ctx.Value(onResponseKey{}).(func(*http.Response)); ok {
		inner := fn
		fn = func(res *http.Response) {
			prev(res)
			inner(res)
		}
	}
	return context.WithValue(ctx, onResponseKey{}, fn)
}

// observe tells the client's and the context's hooks about res (a copy without the body).
func (cl *Client) observe(ctx context.Context, res *http.Response) {
	perCall, _ := ctx.Value(onResponseKey{}).(func(*http.Response))
	for _, fn := range []func(*http.Response){cl.onResponse, perCall} {
		if fn != nil {
			seen := *res
			seen.Header = res.Header.Clone()
			seen.Body = http.NoBody
			fn(&seen)
		}
	}
}

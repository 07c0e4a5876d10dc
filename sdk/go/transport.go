package triggers

// Sends one call: builds the request, signs each attempt afresh, bounds it by the timeout and the
// caller's context, retries what is safe to retry, and turns failures into *APIError.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// call is one request. idempotent marks a request whose repeat cannot do the work twice.
type call struct {
	method     string
	path       string
	query      url.Values
	body       any
	header     map[string]string
	idempotent bool
	stream     bool // hand the body over unread: the timeout then ends at the headers
}

// do sends c and returns the 2xx response (body read into the returned bytes unless stream).
func (cl *Client) do(ctx context.Context, c call) (*http.Response, []byte, error) {
	rawQuery := strings.ReplaceAll(c.query.Encode(), "+", "%20") // a '+' would be read as a literal plus
	var body []byte
	if c.body != nil {
		var err error
		if body, err = json.Marshal(c.body); err != nil {
			return nil, nil, fmt.Errorf("triggers: encode request body: %w", err)
		}
	}
	for attempt := 1; ; attempt++ {
		res, data, apiErr := cl.attempt(ctx, c, rawQuery, body)
		if apiErr == nil {
			return res, data, nil
		}
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		tooLong := apiErr.RetryAfter > cl.retry.MaxRetryAfter
		if attempt >= cl.retry.MaxAttempts || tooLong || !retryable(apiErr, c.idempotent || c.method == http.MethodGet) {
			return nil, nil, apiErr
		}
		if err := cl.sleep(ctx, retryDelay(attempt, cl.retry, cl.random, apiErr.RetryAfter)); err != nil {
			return nil, nil, err
		}
	}
}

func (cl *Client) attempt(ctx context.Context, c call, rawQuery string, body []byte) (*http.Response, []byte, *APIError) {
	attemptCtx, cancel := context.WithTimeout(ctx, cl.timeout)
	target := cl.baseURL + c.path
	if rawQuery != "" {
		target += "?" + rawQuery
	}
	if !strings.HasPrefix(cl.baseURL, "http://") && !strings.HasPrefix(cl.baseURL, "https://") {
		cancel()
		return nil, nil, &APIError{Kind: KindValidation, Code: "bad_base_url", Message: fmt.Sprintf("the client's baseURL %q is not an http(s) URL, e.g. http://127.0.0.1:8080", cl.baseURL)}
	}
	req, err := http.NewRequestWithContext(attemptCtx, c.method, target, bytes.NewReader(body))
	if err != nil {
		cancel()
		return nil, nil, &APIError{Kind: KindValidation, Code: "bad_request", Message: err.Error(), Err: err}
	}
	req.Header.Set("Authorization", "Bearer "+cl.apiKey)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "aftershock-triggers-go/0.1")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for name, value := range c.header {
		req.Header.Set(name, value)
	}
	if cl.signingSecret != "" {
		ts := cl.now().Unix()
		// A new nonce per attempt: a retry in the same second is not the first attempt's replay.
		nonce := cl.signatureNonce()
		req.Header.Set("X-Signature-Timestamp", strconv.FormatInt(ts, 10))
		req.Header.Set("X-Signature", SignRequest(cl.signingSecret, RequestToSign{Method: c.method, Path: c.path, RawQuery: rawQuery, Timestamp: ts, Body: body, Nonce: nonce}))
		req.Header.Set("X-Signature-Version", "v1")
		req.Header.Set("X-Signature-Nonce", nonce)
	}
	res, err := cl.httpClient.Do(req)
	if err == nil {
		cl.observe(ctx, res)
	}
	if err == nil && c.stream && res.StatusCode/100 == 2 {
		// The caller reads the body; cancelling now would cut the download, so hand over the cancel.
		res.Body = &cancelOnClose{ReadCloser: res.Body, cancel: cancel}
		return res, nil, nil
	}
	defer cancel()
	var data []byte
	if err == nil {
		data, err = io.ReadAll(res.Body)
		res.Body.Close()
	}
	if err != nil {
		if errors.Is(attemptCtx.Err(), context.DeadlineExceeded) && ctx.Err() == nil {
			return nil, nil, &APIError{Kind: KindTimeout, Code: "timeout", Message: fmt.Sprintf("no response from %s %s within %s", c.method, c.path, cl.timeout), Err: err}
		}
		return nil, nil, &APIError{Kind: KindNetwork, Code: "network_error", Message: fmt.Sprintf("%s %s failed: %v", c.method, c.path, err), Err: err}
	}
	if res.StatusCode/100 == 2 {
		return res, data, nil
	}
	return nil, nil, errorFromResponse(res.StatusCode, data, res.Header.Get("X-Request-Id"), parseRetryAfter(res.Header.Get("Retry-After"), cl.now()))
}

type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (c *cancelOnClose) Close() error {
	err := c.ReadCloser.Close()
	c.cancel()
	return err
}

// doJSON sends c and decodes the answer into out (nil for none).
func (cl *Client) doJSON(ctx context.Context, c call, out any) error {
	_, data, err := cl.do(ctx, c)
	if err != nil || out == nil || len(data) == 0 {
		return err
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("triggers: decode %s %s: %w", c.method, c.path, err)
	}
	return nil
}

package triggers

// The SDK's one error type: every failed call returns an *APIError whose Kind says what kind of
// failure it was; errors.Is(err, ErrNotFound) and friends test the kind.

import (
	"encoding/json"
	"fmt"
	"time"
)

// ErrorKind names a family of failures.
type ErrorKind string

// The error kinds, one per family of HTTP statuses or transport failures.
const (
	KindValidation   ErrorKind = "validation"   // 400, 413, 415: fix the request; Details names the fields
	KindUnauthorized ErrorKind = "unauthorized" // 401: no usable credential or a refused signature
	KindForbidden    ErrorKind = "forbidden"    // 403: the key lacks the route's scope
	KindNotFound     ErrorKind = "not_found"    // 404: not in your tenant, or no such route
	KindConflict     ErrorKind = "conflict"     // 409: idempotency key reused with another body, concurrent change
	KindRateLimited  ErrorKind = "rate_limited" // 429: wait RetryAfter
	KindServer       ErrorKind = "server"       // 5xx
	KindNetwork      ErrorKind = "network"      // no response: connection failed or cut
	KindTimeout      ErrorKind = "timeout"      // no response within the timeout
)

// APIError is a failed call. Status is 0 when no response arrived.
type APIError struct {
	Kind       ErrorKind
	Status     int
	Code       string // the server's stable code (validation_error, not_found, ...), or network_error / timeout
	Message    string
	RequestID  string          // X-Request-Id, to quote in a bug report
	Details    json.RawMessage // the server's error.details, when present
	RetryAfter time.Duration   // from Retry-After (429 and 503)
	Err        error           // the transport error behind a network or timeout failure
}

func (e *APIError) Error() string {
	if e.Status == 0 {
		return fmt.Sprintf("triggers: %s: %s", e.Code, e.Message)
	}
	return fmt.Sprintf("triggers: %d %s: %s (request %s)", e.Status, e.Code, e.Message, e.RequestID)
}

// Unwrap gives the transport error of a network or timeout failure.
func (e *APIError) Unwrap() error { return e.Err }

// Is reports whether target is the sentinel of this error's kind, so errors.Is(err, ErrNotFound) works.
func (e *APIError) Is(target error) bool {
	k, ok := target.(kindSentinel)
	return ok && ErrorKind(k) == e.Kind
}

type kindSentinel ErrorKind

func (k kindSentinel) Error() string { return "triggers: " + string(k) }

// Sentinels for errors.Is.
var (
	ErrValidation   error = kindSentinel(KindValidation)
	ErrUnauthorized error = kindSentinel(KindUnauthorized)
	ErrForbidden    error = kindSentinel(KindForbidden)
	ErrNotFound     error = kindSentinel(KindNotFound)
	ErrConflict     error = kindSentinel(KindConflict)
	ErrRateLimited  error = kindSentinel(KindRateLimited)
	ErrServer       error = kindSentinel(KindServer)
	ErrNetwork      error = kindSentinel(KindNetwork)
	ErrTimeout      error = kindSentinel(KindTimeout)
)

func kindOfStatus(status int) ErrorKind {
	switch {
	case status == 401:
		return KindUnauthorized
	case status == 403:
		return KindForbidden
	case status == 404:
		return KindNotFound
	case status == 409:
		return KindConflict
	case status == 429:
		return KindRateLimited
	case status >= 500:
		return KindServer
	default:
		return KindValidation
	}
}

// errorFromResponse builds the error for a non-2xx answer from its `{"error": {...}}` body.
func errorFromResponse(status int, body []byte, requestID string, retryAfter time.Duration) *APIError {
	var envelope struct {
		Error struct {
			Code      string          `json:"code"`
			Message   string          `json:"message"`
			Details   json.RawMessage `json:"details"`
			RequestID string          `json:"request_id"`
		} `json:"error"`
	}
	_ = json.Unmarshal(body, &envelope) // a body that is not the error envelope keeps the defaults below
	e := &APIError{Kind: kindOfStatus(status), Status: status, Code: envelope.Error.Code, Message: envelope.Error.Message,
		RequestID: requestID, Details: envelope.Error.Details, RetryAfter: retryAfter}
	if e.Code == "" {
		e.Code = fmt.Sprintf("http_%d", status)
	}
	if e.Message == "" {
		e.Message = fmt.Sprintf("HTTP %d", status)
	}
	if envelope.Error.RequestID != "" {
		e.RequestID = envelope.Error.RequestID
	}
	return e
}

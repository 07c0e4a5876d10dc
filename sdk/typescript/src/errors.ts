// The SDK's one error family: every failed call throws a TriggersApiError whose subclass names the
// kind of failure, so callers branch with `instanceof` and read the server's stable `code`.

/** Options every error takes. */
export interface TriggersApiErrorInit {
  code: string;
  status: number;
  message: string;
  requestId?: string | undefined;
  details?: unknown;
  cause?: unknown;
  retryAfterMs?: number | undefined;
}

/**
 * A failed call. `status` is the HTTP status (0 when no response arrived), `code` the server's
 * stable snake_case code (`validation_error`, `not_found`, ...) or `network_error` / `timeout`,
 * `requestId` the `X-Request-Id` to quote in a bug report, `details` the server's `error.details`,
 * `retryAfterMs` the wait the answer's `Retry-After` asked for (429, 503), when it carried one.
 * @example
 * try { await client.events.get(id); } catch (err) { if (err instanceof NotFoundError) ... }
 */
export class TriggersApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly requestId: string | undefined;
  readonly details: unknown;
  readonly retryAfterMs: number | undefined;

  constructor(init: TriggersApiErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = new.target.name;
    this.code = init.code;
    this.status = init.status;
    this.requestId = init.requestId;
    this.details = init.details;
    this.retryAfterMs = init.retryAfterMs;
  }

  /** `ConflictError 409 idempotency_conflict: <message> (request req_…)`: what a log line needs. */
  override toString(): string {
    return `${this.name} ${this.status} ${this.code}: ${this.message}${this.requestId ? ` (request ${this.requestId})` : ''}`;
  }
}

/** 400, 413, 415: the request is malformed; `details` names each field (`body.source`, `query.limit`). */
export class ValidationError extends TriggersApiError {}
/** 401: no usable credential, or a refused request signature (`signature_invalid`, ...). */
export class UnauthorizedError extends TriggersApiError {}
/** 403: the key lacks the route's scope (`insufficient_scope`). */
export class ForbiddenError extends TriggersApiError {}
/** 404: no such resource in your tenant, or no such route. */
export class NotFoundError extends TriggersApiError {}
/** 409: an idempotency key reused with another body, or a concurrent change. */
export class ConflictError extends TriggersApiError {}
/** 5xx: the server failed; 503 `service_unavailable` is retried by the client before this is thrown. */
export class ServerError extends TriggersApiError {}
/** No response: the connection failed or was cut (`code: network_error`, `status: 0`). */
export class NetworkError extends TriggersApiError {}
/** No response within `timeoutMs` (`code: timeout`, `status: 0`). */
export class TimeoutError extends TriggersApiError {}

/** 429: a rate limit is exhausted; `retryAfterMs` says how long to wait (from `Retry-After`). */
export class RateLimitedError extends TriggersApiError {}

/** Builds the error for a non-2xx response from its status and `{"error": {...}}` body. */
export function errorFromResponse(
  status: number,
  body: unknown,
  requestId: string | undefined,
  retryAfterMs: number | undefined,
): TriggersApiError {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown; request_id?: unknown } } | undefined)?.error;
  const init: TriggersApiErrorInit = {
    status,
    code: typeof error?.code === 'string' ? error.code : `http_${status}`,
    message: typeof error?.message === 'string' ? error.message : `HTTP ${status}`,
    requestId: typeof error?.request_id === 'string' ? error.request_id : requestId,
    details: error?.details,
    retryAfterMs,
  };
  if (status === 429) return new RateLimitedError(init);
  if (status === 401) return new UnauthorizedError(init);
  if (status === 403) return new ForbiddenError(init);
  if (status === 404) return new NotFoundError(init);
  if (status === 409) return new ConflictError(init);
  if (status >= 500) return new ServerError(init);
  if (status >= 400) return new ValidationError(init);
  return new TriggersApiError(init);
}

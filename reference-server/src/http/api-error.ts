// The server's one error type: a stable snake_case code, an HTTP status and a human message.
// Thrown by handlers and mapped to the JSON error body by the error middleware.

/** Stable error codes clients can switch on. */
export type ErrorCode =
  | 'invalid_json'
  | 'validation_error'
  | 'unsupported_media_type'
  | 'payload_too_large'
  | 'unauthorized'
  | 'signature_missing'
  | 'signature_invalid'
  | 'signature_expired'
  | 'signature_replayed'
  | 'forbidden'
  | 'insufficient_scope'
  | 'not_found'
  | 'route_not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'idempotency_conflict'
  | 'rate_limited'
  | 'service_unavailable'
  | 'bad_request'
  | 'internal';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ApiError';
  }

  static notFound(what: string): ApiError {
    return new ApiError(404, 'not_found', `${what} not found`);
  }

  static unauthorized(message = 'missing or invalid credentials'): ApiError {
    return new ApiError(401, 'unauthorized', message);
  }
}

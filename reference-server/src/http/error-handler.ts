// Maps every failure to the JSON error body of SPEC §3. Client mistakes keep their 4xx; anything
// unexpected is logged with the request id and answered as 500 `internal` without details.
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { ApiError, type ErrorCode } from './api-error.js';
import { isStorageUnavailable } from './storage-unavailable.js';

/** Errors raised by body-parser carry a `type`; these are the client's fault. */
const BODY_ERRORS: Record<string, [number, ErrorCode, string]> = {
  'entity.parse.failed': [400, 'invalid_json', 'request body is not valid JSON'],
  'entity.too.large': [413, 'payload_too_large', 'request body is too large'],
  'encoding.unsupported': [415, 'unsupported_media_type', 'unsupported content encoding'],
  'charset.unsupported': [415, 'unsupported_media_type', 'unsupported charset'],
  'request.aborted': [400, 'bad_request', 'request aborted'],
  'request.size.invalid': [400, 'bad_request', 'request size did not match content length'],
  'stream.encoding.set': [500, 'internal', 'internal error'],
};

/** Writes the error body; used by the error middleware and by middleware that answers early. */
export function errorBody(err: ApiError, requestId: string | undefined) {
  return {
    error: {
      code: err.code,
      message: err.message,
      ...(err.details !== undefined ? { details: err.details } : {}),
      request_id: requestId,
    },
  };
}

/** The last middleware: answers every error as JSON. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const requestId = res.locals.requestId as string | undefined;
    let apiError: ApiError;
    if (err instanceof ApiError) {
      apiError = err;
    } else if (isBodyError(err) && BODY_ERRORS[err.type]) {
      const [status, code, message] = BODY_ERRORS[err.type]!;
      apiError = new ApiError(status, code, message);
    } else if (isHttpError(err) && err.status >= 400 && err.status < 500) {
      apiError = new ApiError(err.status, 'bad_request', 'bad request');
    } else if (isStorageUnavailable(err)) {
      logger.warn({ err, request_id: requestId, method: req.method, path: req.path }, 'storage unavailable');
      apiError = new ApiError(503, 'service_unavailable', 'storage is temporarily unavailable; retry shortly');
    } else {
      logger.error({ err, request_id: requestId, method: req.method, path: req.path }, 'unhandled error');
      apiError = new ApiError(500, 'internal', 'internal error');
    }
    if (apiError.status === 503 && !res.hasHeader('Retry-After')) res.setHeader('Retry-After', '1');
    if (res.headersSent) return res.end();
    res.status(apiError.status).json(errorBody(apiError, requestId));
  };
}

/** Unknown routes: 404 `route_not_found`. */
export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new ApiError(404, 'route_not_found', `no route for ${req.method} ${req.path}`));
};

function isBodyError(err: unknown): err is { type: string } {
  return typeof err === 'object' && err !== null && typeof (err as { type?: unknown }).type === 'string';
}

function isHttpError(err: unknown): err is { status: number } {
  return typeof err === 'object' && err !== null && typeof (err as { status?: unknown }).status === 'number';
}

// Request ids: taken from X-Request-Id or X-Trace-Id when the client sends a sane one, otherwise
// generated; echoed on every response and carried by every log line and error body.
import type { RequestHandler } from 'express';
import type { IdGenerator } from '../domain/ids.js';
import { runWithRequestId } from './request-context.js';

const SANE = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Sets `res.locals.requestId` and the `X-Request-Id` response header; while `carry()` holds, also makes
 * it the current request for the request's async calls (request-context.ts).
 */
export function requestId(ids: IdGenerator, carry: () => boolean = () => true): RequestHandler {
  return (req, res, next) => {
    const given = req.get('x-request-id') ?? req.get('x-trace-id');
    const id = given !== undefined && SANE.test(given) ? given : ids.next('req');
    res.locals.requestId = id;
    res.setHeader('X-Request-Id', id);
    if (carry()) runWithRequestId(id, next);
    else next();
  };
}

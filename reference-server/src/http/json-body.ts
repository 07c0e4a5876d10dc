// JSON body parsing with the size limit, plus a 415 for bodies that are not JSON, so a wrong
// content type is a clear client error instead of a confusing validation failure.
import type { IncomingMessage } from 'node:http';
import express, { type RequestHandler } from 'express';
import { ApiError } from './api-error.js';

/** Parses JSON bodies up to `limitBytes`; non-JSON bodies on POST/PUT/PATCH get 415. */
export function jsonBody(limitBytes: number): RequestHandler[] {
  const parse = express.json({
    limit: limitBytes,
    strict: false,
    type: ['application/json', 'application/*+json'],
    // Request signatures cover the bytes as sent, so keep them beside the parsed value.
    verify: (req, _res, buf) => {
      (req as IncomingMessage & { rawBody?: Buffer }).rawBody = buf;
    },
  });
  const requireJson: RequestHandler = (req, _res, next) => {
    const hasBody = (req.headers['content-length'] ?? '0') !== '0' || req.headers['transfer-encoding'] !== undefined;
    if (hasBody && ['POST', 'PUT', 'PATCH'].includes(req.method) && !req.is(['application/json', 'application/*+json'])) {
      return next(new ApiError(415, 'unsupported_media_type', 'request body must be application/json'));
    }
    next();
  };
  return [requireJson, parse];
}

/** The request body exactly as received (empty when there was none or it was not JSON). */
export function rawBodyOf(req: IncomingMessage): Buffer {
  return (req as IncomingMessage & { rawBody?: Buffer }).rawBody ?? Buffer.alloc(0);
}

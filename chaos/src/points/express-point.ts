// Incoming HTTP fault point: Express middleware, matching by method and route (the request path,
// against patterns like `/v1/events/:id` or `/v1/*`). Mount it before the routes it should disturb.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { delay } from '../faults/delay.js';
import { httpErrorBody } from '../faults/http-error.js';
import type { ChaosEngine } from '../rules/chaos-engine.js';

/** Options for the incoming HTTP fault point. */
export interface ExpressPointOptions {
  /** The request id for logs (default: the `X-Request-Id` header, else `res.locals.requestId`). */
  requestId?: (req: Request, res: Response) => string | undefined;
}

function defaultRequestId(req: Request, res: Response): string | undefined {
  const local = (res.locals as { requestId?: unknown }).requestId;
  return req.get('x-request-id') ?? (typeof local === 'string' ? local : undefined);
}

function answer(res: Response, status: number, ruleId: string, requestId: string | undefined, retryAfterS?: number): void {
  if (res.headersSent) return;
  if (retryAfterS !== undefined) res.setHeader('Retry-After', String(retryAfterS));
  res.status(status).type('application/json').send(httpErrorBody(status, ruleId, requestId));
}

/**
 * The fault point as middleware. Latency delays the request (cut short if the client goes away);
 * `http_error` and `throttle` answer instead of the route; `timeout` holds the request until the client
 * gives up (or the injector's bound, then 504); `connection_reset` destroys the socket; a partial
 * failure `after` lets the route do its work and then drops the connection instead of the answer.
 *
 * @example
 * app.use(chaosExpressMiddleware(engine));
 * app.post('/v1/events', createEvent);
 */
export function chaosExpressMiddleware(engine: ChaosEngine, options: ExpressPointOptions = {}): RequestHandler {
  const requestIdOf = options.requestId ?? defaultRequestId;
  return (req: Request, res: Response, next: NextFunction) => {
    if (!engine.enabled) return next();
    const injection = engine.decide('http_in', { method: req.method, route: req.path }, { requestId: () => requestIdOf(req, res) });
    if (injection === null) return next();
    const { injector, detail, rule } = injection;
    const requestId = injection.request_id;
    // Aborts when the client disconnects, so a held request never outlives its caller.
    const gone = new AbortController();
    res.once('close', () => gone.abort());
    switch (injector.kind) {
      case 'latency':
        delay(detail.delay_ms ?? 0, gone.signal).then(() => next(), () => undefined);
        return;
      case 'http_error':
        return answer(res, injector.status, rule, requestId, injector.retry_after_s);
      case 'throttle':
        return answer(res, 429, rule, requestId, injector.retry_after_s);
      case 'timeout':
        delay(detail.delay_ms ?? injector.ms, gone.signal).then(() => answer(res, 504, rule, requestId), () => undefined);
        return;
      case 'connection_reset':
        req.socket.destroy();
        return;
      case 'partial_failure':
        if (detail.phase === 'before') return answer(res, injector.status, rule, requestId);
        // The route runs and commits its work; the client never hears back.
        res.end = function dropInsteadOfAnswering() {
          req.socket.destroy();
          return res;
        } as Response['end'];
        return next();
      default:
        return next();
    }
  };
}

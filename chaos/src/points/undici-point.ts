// Outgoing HTTP fault point (webhook deliveries): an undici interceptor matching by host. Compose it
// onto the dispatcher the sender uses: `new Agent().compose(chaosInterceptor(engine))`.
import type { Dispatcher } from 'undici';
import { connectionResetError } from '../faults/connection-reset.js';
import { abortError, delay } from '../faults/delay.js';
import { httpErrorBody } from '../faults/http-error.js';
import { timeoutError } from '../faults/timeout.js';
import type { ChaosEngine } from '../rules/chaos-engine.js';

/** Options for the outgoing HTTP fault point. */
export interface UndiciPointOptions {
  /**
   * The request id for logs (default: the outgoing `X-Request-Id` header, else `X-Webhook-Id`, so a
   * delivery's injections can be found by its id).
   */
  requestId?: (opts: Dispatcher.DispatchOptions) => string | undefined;
}

/** Reads a header from whichever shape undici was given (record or flat name/value list). */
function headerOf(headers: Dispatcher.DispatchOptions['headers'], name: string): string | undefined {
  if (headers === null || headers === undefined) return undefined;
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) {
      if (String(headers[i]).toLowerCase() === name) return String(headers[i + 1]);
    }
    return undefined;
  }
  for (const [key, value] of Object.entries(headers as Record<string, unknown>)) {
    if (key.toLowerCase() === name && value !== undefined) return String(value);
  }
  return undefined;
}

function defaultRequestId(opts: Dispatcher.DispatchOptions): string | undefined {
  return headerOf(opts.headers, 'x-request-id') ?? headerOf(opts.headers, 'x-webhook-id');
}

type Handler = Dispatcher.DispatchHandler;
type Controller = Dispatcher.DispatchController;

/** A controller for a response the interceptor makes up: abort ends it with the caller's reason. */
function syntheticController(onAbort: (reason: Error) => void): Controller {
  let aborted = false;
  let reason: Error | null = null;
  return {
    get aborted() {
      return aborted;
    },
    get paused() {
      return false;
    },
    get reason() {
      return reason;
    },
    abort(why: Error) {
      if (aborted) return;
      aborted = true;
      reason = why ?? abortError();
      onAbort(reason);
    },
    pause() {},
    resume() {},
  };
}

function hostOf(origin: Dispatcher.DispatchOptions['origin']): string {
  if (origin === undefined) return '';
  const url = typeof origin === 'string' ? new URL(origin) : origin;
  return url.host;
}

/** Starts a request the interceptor owns: the caller can abort it like a real one. */
function begin(handler: Handler, onAbort: (reason: Error) => void): Controller {
  const controller = syntheticController(onAbort);
  handler.onRequestStart?.(controller, {});
  return controller;
}

function respond(handler: Handler, status: number, body: string, retryAfterS?: number): void {
  const controller = begin(handler, () => undefined);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
  if (retryAfterS !== undefined) headers['retry-after'] = String(retryAfterS);
  handler.onResponseStart?.(controller, status, headers, status === 429 ? 'Too Many Requests' : 'Service Unavailable');
  handler.onResponseData?.(controller, Buffer.from(body));
  handler.onResponseEnd?.(controller, {});
}

function fail(handler: Handler, error: Error): void {
  handler.onResponseError?.(begin(handler, () => undefined), error);
}

/** Passes the real response through, but replaces it with a reset as soon as it starts. */
function resetAfterDelivery(handler: Handler, ruleId: string): Handler {
  return {
    onRequestStart: (controller, context) => handler.onRequestStart?.(controller, context),
    onResponseStart: (controller) => {
      controller.abort(connectionResetError(ruleId));
    },
    onResponseError: (controller, error) => handler.onResponseError?.(controller, error),
  };
}

/**
 * The fault point as an undici interceptor. Latency delays the request (the caller's abort still
 * works); `http_error`/`throttle` answer without reaching the receiver; `connection_reset` fails with
 * ECONNRESET before sending; `timeout` hangs until the caller aborts (or the bound, then TimeoutError);
 * a partial failure `after` delivers the request and then resets, so the receiver saw it but the
 * sender did not hear back.
 *
 * @example
 * const dispatcher = new Agent().compose(chaosInterceptor(engine));
 * await fetch(webhookUrl, { method: 'POST', body, dispatcher });
 */
export function chaosInterceptor(engine: ChaosEngine, options: UndiciPointOptions = {}): Dispatcher.DispatcherComposeInterceptor {
  const requestIdOf = options.requestId ?? defaultRequestId;
  return (dispatch) => (opts, handler) => {
    if (!engine.enabled) return dispatch(opts, handler);
    const injection = engine.decide(
      'http_out',
      { host: hostOf(opts.origin), method: opts.method, path: opts.path },
      { requestId: () => requestIdOf(opts) },
    );
    if (injection === null) return dispatch(opts, handler);
    const { injector, detail, rule } = injection;
    switch (injector.kind) {
      case 'http_error':
        respond(handler, injector.status, httpErrorBody(injector.status, rule), injector.retry_after_s);
        return true;
      case 'throttle':
        respond(handler, 429, httpErrorBody(429, rule), injector.retry_after_s);
        return true;
      case 'connection_reset':
        fail(handler, connectionResetError(rule));
        return true;
      case 'partial_failure':
        if (detail.phase === 'before') fail(handler, connectionResetError(rule));
        else dispatch(opts, resetAfterDelivery(handler, rule));
        return true;
      case 'latency':
      case 'timeout': {
        const waiting = new AbortController();
        const controller = begin(handler, (reason) => waiting.abort(reason));
        const ms = detail.delay_ms ?? 0;
        delay(ms, waiting.signal)
          .then(() => {
            if (injector.kind === 'timeout') throw timeoutError(ms);
            dispatch(opts, handler);
          })
          // Any failure (the caller's abort, the timeout, a dispatch that throws) ends the request
          // through its handler; nothing is left as an unhandled rejection.
          .catch((error: unknown) => handler.onResponseError?.(controller, error instanceof Error ? error : abortError(error)));
        return true;
      }
      default:
        return dispatch(opts, handler);
    }
  };
}

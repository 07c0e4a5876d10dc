// One HTTP request with a deadline that never throws, for the adapters. Built on undici's request
// rather than fetch: at the runner's request rates fetch's web streams and per-request abort signals
// were most of the runner's own CPU, while undici's dispatcher enforces the deadline at no extra cost.
import { setMaxListeners } from 'node:events';
import { request } from 'undici';

/** The answer: `status` 0 when there was none, with `error` naming why (`TimeoutError`, `ECONNREFUSED`, …). */
export interface TimedAnswer {
  status: number;
  text: string;
  error?: string;
}

/** An answer's body as JSON, or undefined when it is not JSON. */
export function jsonOf(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** What to send; `body` is sent as given (set its content-type in `headers`). */
export interface TimedRequestInit {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** Signals already allowed any number of listeners. */
const shared = new WeakSet<AbortSignal>();

/** undici's codes for a deadline that passed, reported as fetch reported them. */
const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/**
 * Sends the request. The deadline is `timeoutMs` for the answer's headers and again for any pause
 * inside its body, checked by undici's coarse timers (to within about a second, ample for the
 * adapters' 5-10 s deadlines); `signal` cancels it (error `AbortError`).
 * @example const { status, text } = await timedRequest('http://127.0.0.1:8080/health', {}, 5_000);
 */
export async function timedRequest(url: string, init: TimedRequestInit, timeoutMs: number, signal?: AbortSignal): Promise<TimedAnswer> {
  // One signal cancels every request of a run, and each request in flight listens to it: Node's
  // warning at 11 listeners would be a false alarm under load.
  if (signal && !shared.has(signal)) {
    setMaxListeners(0, signal);
    shared.add(signal);
  }
  try {
    const res = await request(url, {
      method: (init.method ?? 'GET') as 'GET',
      headers: init.headers,
      body: init.body,
      signal,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    return { status: res.statusCode, text: await res.body.text() };
  } catch (err) {
    const e = err as Error & { code?: string };
    if (signal?.aborted || e.name === 'AbortError') return { status: 0, text: '', error: 'AbortError' };
    if (e.code && TIMEOUT_CODES.has(e.code)) return { status: 0, text: '', error: 'TimeoutError' };
    return { status: 0, text: '', error: e.code ?? e.name };
  }
}

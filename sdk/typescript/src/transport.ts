// Sends one API call: builds the request, signs each attempt, applies the per-attempt timeout and
// the caller's AbortSignal, retries what is safe to retry, and turns failures into typed errors.
import { NetworkError, TimeoutError, TriggersApiError, errorFromResponse } from './errors.js';
import { signatureHeaders } from './request-signing.js';
import { isRetryable, parseRetryAfter, retryDelayMs, type AttemptFailure, type ResolvedRetryOptions } from './retry-policy.js';

/** What the transport needs; built once by the client from its options. */
export interface TransportConfig {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  signingSecret: string | undefined;
  retry: ResolvedRetryOptions;
  userAgent: string;
  fetch: typeof fetch;
  now: () => number;
  random: () => number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** A fresh X-Signature-Nonce per signed attempt. */
  signatureNonce: () => string;
}

/** One call. `idempotent` marks a request whose repeat cannot do the work twice. */
export interface CallSpec {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | number | boolean | Date | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  idempotent?: boolean;
  signal?: AbortSignal | undefined;
  onResponse?: ((response: Response) => void) | undefined;
  /** Hand the body over unread; the timeout then ends when the headers arrive. */
  stream?: boolean;
}

/** A 2xx answer: the response, and its body text unless the call was a stream. */
export interface Answer {
  response: Response;
  text: string;
}

/** Per-call options every method accepts. */
export interface CallOptions {
  /** Cancels the call, including waits between retries. */
  signal?: AbortSignal;
  /**
   * Told about every HTTP response of the call, one per attempt and before its body is read: how to
   * see the status and headers (`x-request-id`) of a call that succeeds.
   */
  onResponse?: (response: Response) => void;
}

/** Sends `spec` and answers the 2xx response, or throws a {@link TriggersApiError}. */
export async function send(config: TransportConfig, spec: CallSpec): Promise<Answer> {
  const rawQuery = queryString(spec.query);
  const url = `${config.baseUrl}${spec.path}${rawQuery ? `?${rawQuery}` : ''}`;
  // Serialised once: the signature covers exactly these bytes, on every attempt.
  const body = spec.body === undefined ? undefined : JSON.stringify(spec.body);
  const idempotent = spec.idempotent ?? spec.method === 'GET';
  for (let attempt = 1; ; attempt++) {
    const headers: Record<string, string> = {
      authorization: `Bearer ${config.apiKey}`,
      accept: 'application/json',
      'user-agent': config.userAgent,
      ...spec.headers,
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (config.signingSecret !== undefined) {
      const timestamp = Math.floor(config.now() / 1000);
      // A new nonce per attempt: a retry in the same second is not the first attempt's replay.
      Object.assign(headers, signatureHeaders(config.signingSecret, { method: spec.method, path: spec.path, rawQuery, timestamp, body: body ?? '', nonce: config.signatureNonce() }));
    }
    let failure: AttemptFailure;
    let error: TriggersApiError;
    let retryAfterMs: number | undefined;
    // A timer of our own rather than AbortSignal.timeout: a stream's timer must stop at the headers.
    const timer = new AbortController();
    const timeout = timer.signal;
    const deadline = setTimeout(() => timer.abort(new Error('timeout')), config.timeoutMs);
    try {
      const signal = spec.signal ? AbortSignal.any([spec.signal, timeout]) : timeout;
      const res = await config.fetch(url, { method: spec.method, headers, body, signal });
      spec.onResponse?.(res);
      if (res.ok && spec.stream) return { response: res, text: '' };
      const text = await res.text();
      if (res.ok) return { response: res, text };
      retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), config.now());
      error = errorFromResponse(res.status, parseJson(text), res.headers.get('x-request-id') ?? undefined, retryAfterMs);
      failure = { kind: 'status', status: res.status };
    } catch (cause) {
      if (spec.signal?.aborted) throw spec.signal.reason;
      if (timeout.aborted) {
        failure = { kind: 'timeout' };
        error = new TimeoutError({ code: 'timeout', status: 0, message: `no response from ${spec.method} ${spec.path} within ${config.timeoutMs} ms`, cause });
      } else {
        failure = { kind: 'network' };
        error = new NetworkError({ code: 'network_error', status: 0, message: `${spec.method} ${spec.path} failed: ${describe(cause)}`, cause });
      }
    } finally {
      clearTimeout(deadline);
    }
    const lastAttempt = attempt >= config.retry.maxAttempts;
    const waitTooLong = retryAfterMs !== undefined && retryAfterMs > config.retry.maxRetryAfterMs;
    if (lastAttempt || waitTooLong || !isRetryable(failure, idempotent)) throw error;
    await config.sleep(retryDelayMs(attempt, config.retry, config.random, retryAfterMs), spec.signal);
  }
}

/** Sends `spec` and parses the JSON answer (undefined for 204). */
export async function sendJson<T>(config: TransportConfig, spec: CallSpec): Promise<T> {
  const { text } = await send(config, spec);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

function queryString(query: CallSpec['query']): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    params.append(name, value instanceof Date ? value.toISOString() : String(value));
  }
  // URLSearchParams writes a space as `+`, which the server's signature rules read as a plus.
  return params.toString().replace(/\+/g, '%20');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function describe(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = cause.cause instanceof Error ? `: ${cause.cause.message}` : '';
    return `${cause.message}${inner}`;
  }
  return String(cause);
}

/** A sleep that ends early, rejecting with the signal's reason, when the call is aborted. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

// One HTTP attempt: signs the body, POSTs it through the guarded dispatcher with a deadline, follows
// no redirects, keeps at most 1 KB of the response, and reports what happened as a value.
import { request } from 'undici';
import type { Dispatcher } from 'undici';
import type { AttemptResult, ErrorClass } from '../domain/delivery.js';
import { signWebhook } from '../domain/webhook-signature.js';

const KEEP_BYTES = 1024;

export interface SendInput {
  url: string;
  secret: string;
  messageId: string;
  body: string;
  attempt: number;
  nowMs: number;
  timeoutMs: number;
  dispatcher: Dispatcher;
}

export interface SendOutcome {
  result: AttemptResult;
  latencyMs: number;
  responseBody: string | null;
}

/** Sends one attempt; never throws. */
export async function sendWebhook(input: SendInput): Promise<SendOutcome> {
  const headers = {
    ...signWebhook({ secret: input.secret, webhookId: input.messageId, timestampSeconds: Math.floor(input.nowMs / 1000), body: input.body }),
    'content-type': 'application/json',
    'user-agent': 'Aftershock-Triggers/0.1',
    'x-webhook-attempt': String(input.attempt),
  };
  const started = performance.now();
  // The whole attempt's deadline. Not AbortSignal.timeout: its timer outlives an attempt that ended
  // early (one per delivery, for the full timeout) and is tracked through a weak reference, both
  // dearer than a timer cleared when the attempt is over.
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(new DOMException('The attempt timed out', 'TimeoutError')), input.timeoutMs);
  try {
    const res = await request(input.url, {
      method: 'POST',
      headers,
      body: input.body,
      dispatcher: input.dispatcher,
      headersTimeout: input.timeoutMs,
      bodyTimeout: input.timeoutMs,
      signal: deadline.signal,
    });
    const responseBody = await readSome(res.body);
    const retryAfter = res.headers['retry-after'];
    return {
      result: { kind: 'response', statusCode: res.statusCode, retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter },
      latencyMs: performance.now() - started,
      responseBody,
    };
  } catch (err) {
    return {
      result: { kind: 'error', errorClass: errorClassOf(err), message: err instanceof Error ? err.message : String(err) },
      latencyMs: performance.now() - started,
      responseBody: null,
    };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The first KEEP_BYTES of a response body; the rest is read and dropped so the keep-alive connection
 * can be reused. Only a body past 64 KB is cut off, closing its connection.
 */
async function readSome(body: AsyncIterable<Buffer> & { destroy(): void }): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    if (size < KEEP_BYTES) parts.push(chunk.subarray(0, KEEP_BYTES - size));
    size += chunk.length;
    if (size >= 64 * KEEP_BYTES) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(parts).toString('utf8');
}

function errorClassOf(err: unknown): ErrorClass {
  const e = err as { name?: string; code?: string };
  if (e.code === 'SSRF_BLOCKED' || e.name === 'SsrfBlockedError') return 'ssrf_blocked';
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT') return 'timeout';
  return 'connection';
}


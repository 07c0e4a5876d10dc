// One HTTP attempt: signs the body, POSTs it through the guarded dispatcher with a deadline, follows
// no redirects, keeps at most 1 KB of the response, and reports what happened as a value.
//
// Written against undici's `dispatch` handler API rather than `request`: `request` gives every
// response a Readable body stream, an async resource and abort-signal listeners, which an attempt that
// keeps 1 KB needs none of. A signed attempt to a loopback receiver costs the sender 66 µs of CPU
// through `request` and 47 µs through `dispatch` (`npm run bench -- transport`), in a worker that
// spends 0.3–0.4 ms per delivery in all.
import type { Dispatcher } from 'undici';
import type { AttemptResult, ErrorClass } from '../domain/delivery.js';
import { signWebhook } from '../domain/webhook-signature.js';

const KEEP_BYTES = 1024;
/** A response body is read (and dropped) up to this size so the connection can be reused; past it the connection is closed. */
const READ_BYTES = 64 * KEEP_BYTES;

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
  const ended = await new Promise<Omit<SendOutcome, 'latencyMs'>>((resolve) => {
    const handler = new AttemptHandler(resolve, input.timeoutMs);
    try {
      const url = new URL(input.url);
      input.dispatcher.dispatch(
        { origin: url.origin, path: url.pathname + url.search, method: 'POST', headers, body: input.body, headersTimeout: input.timeoutMs, bodyTimeout: input.timeoutMs },
        handler,
      );
    } catch (err) {
      handler.stop(err instanceof Error ? err : new Error(String(err)));
    }
  });
  return { ...ended, latencyMs: performance.now() - started };
}

/**
 * Collects one response: its status, `Retry-After`, and the first KEEP_BYTES of its body. Ends once,
 * at the first of: the body's end, READ_BYTES read (the connection is then closed), an error, the
 * attempt's deadline, or `stop`. A request stopped before undici started writing it is never written.
 */
class AttemptHandler implements Dispatcher.DispatchHandler {
  /** The whole attempt's deadline, cleared when it ends (AbortSignal.timeout's timer would outlive it, one per delivery). */
  private readonly deadline: NodeJS.Timeout;
  private controller: Dispatcher.DispatchController | undefined;
  private stopped: Error | undefined;
  private done = false;
  private statusCode = 0;
  private retryAfter: string | undefined;
  private readonly kept: Buffer[] = [];
  private size = 0;

  constructor(
    private readonly resolve: (ended: Omit<SendOutcome, 'latencyMs'>) => void,
    timeoutMs: number,
  ) {
    this.deadline = setTimeout(() => this.stop(new DOMException('The attempt timed out', 'TimeoutError')), timeoutMs);
  }

  /** Ends the attempt with `reason` now; undici abandons the request, even one still waiting for a connection. */
  stop(reason: Error): void {
    this.stopped ??= reason;
    this.fail(reason);
    this.controller?.abort(reason);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.stopped) controller.abort(this.stopped);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>): void {
    this.statusCode = statusCode;
    const retryAfter = headers['retry-after'];
    this.retryAfter = Array.isArray(retryAfter) ? retryAfter[0] : retryAfter;
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.size < KEEP_BYTES) this.kept.push(chunk.subarray(0, KEEP_BYTES - this.size));
    this.size += chunk.length;
    if (this.size >= READ_BYTES && !this.done) {
      this.succeed();
      controller.abort(new Error(`response body past ${READ_BYTES} bytes: connection closed`));
    }
  }

  onResponseEnd(): void {
    this.succeed();
  }

  onResponseError(_controller: Dispatcher.DispatchController, err: Error): void {
    this.fail(err);
  }

  private succeed(): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.deadline);
    const result: AttemptResult = { kind: 'response', statusCode: this.statusCode, ...(this.retryAfter === undefined ? {} : { retryAfter: this.retryAfter }) };
    this.resolve({ result, responseBody: Buffer.concat(this.kept).toString('utf8') });
  }

  private fail(err: Error): void {
    if (this.done) return;
    this.done = true;
    clearTimeout(this.deadline);
    this.resolve({ result: { kind: 'error', errorClass: errorClassOf(err), message: err.message }, responseBody: null });
  }
}

function errorClassOf(err: unknown): ErrorClass {
  const e = err as { name?: string; code?: string };
  if (e.code === 'SSRF_BLOCKED' || e.name === 'SsrfBlockedError') return 'ssrf_blocked';
  if (e.name === 'TimeoutError' || e.name === 'AbortError' || e.code === 'UND_ERR_HEADERS_TIMEOUT' || e.code === 'UND_ERR_BODY_TIMEOUT') return 'timeout';
  return 'connection';
}

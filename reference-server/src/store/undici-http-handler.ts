// The AWS SDK's HTTP handler, over undici's dispatch API: every DynamoDB call of the server and the
// workers goes through it. Hand-written because the SDK ships only node:http and fetch handlers, and
// node:http's was most of a call's client-side cost: it arms four timers per request and streams
// each response through an IncomingMessage. Against dynalite, 16 calls in flight, the sender spends
// 528 µs of CPU per PutItem through it and 336 µs through this handler (`npm run bench -- transport`),
// and dynalite less too. A DynamoDB response is small JSON, so it is collected whole here; the SDK
// reads a Uint8Array body without a stream collector.
//
// Kept from NodeHttpHandler, so the SDK's retries behave the same: an abort rejects with an
// `AbortError` (never retried), timeouts reject with a `TimeoutError`, and a connection the peer
// closed mid-request with code ECONNRESET (both retried as transient).
import { buildQueryString } from '@smithy/core/protocols';
import { Agent, type Dispatcher } from 'undici';
import type { HeaderBag, HttpHandlerOptions, HttpRequest, HttpResponse, RequestHandler } from '@smithy/types';

export interface UndiciHttpHandlerOptions {
  /** Longest wait for a connection to open, ms. */
  connectionTimeoutMs: number;
  /** Longest wait for the response headers, and between two chunks of its body, ms (a call may set its own). */
  requestTimeoutMs: number;
  /** Connections per origin at most. */
  connections: number;
}

type AnyAbortSignal = NonNullable<HttpHandlerOptions['abortSignal']>;

export class UndiciHttpHandler implements RequestHandler<HttpRequest, HttpResponse, HttpHandlerOptions> {
  readonly metadata = { handlerProtocol: 'http/1.1' };
  private readonly agent: Agent;

  constructor(private readonly opts: UndiciHttpHandlerOptions) {
    this.agent = new Agent({ connections: opts.connections, connect: { timeout: opts.connectionTimeoutMs } });
  }

  handle(request: HttpRequest, options: HttpHandlerOptions = {}): Promise<{ response: HttpResponse }> {
    const { abortSignal } = options;
    if (abortSignal?.aborted) return Promise.reject(abortError(abortSignal));
    const timeout = options.requestTimeout ?? this.opts.requestTimeoutMs;
    return new Promise((resolve, reject) => {
      const call = new Call(resolve, reject, abortSignal);
      try {
        this.agent.dispatch(
          {
            origin: `${request.protocol}//${request.hostname}${request.port ? `:${request.port}` : ''}`,
            path: pathOf(request),
            method: request.method,
            headers: request.headers,
            body: request.body as Dispatcher.DispatchOptions['body'],
            headersTimeout: timeout,
            bodyTimeout: timeout,
          },
          call,
        );
      } catch (err) {
        call.onResponseError(undefined, err as Error);
      }
    });
  }

  /** Nothing here is configured after construction. */
  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  destroy(): void {
    void this.agent.destroy();
  }
}

/** One call: collects the response whole and settles once; an abort drops the request, written or not. */
class Call implements Dispatcher.DispatchHandler {
  private controller: Dispatcher.DispatchController | undefined;
  private aborted: Error | undefined;
  private done = false;
  private statusCode = 0;
  private reason: string | undefined;
  private headers: HeaderBag = {};
  private readonly chunks: Buffer[] = [];
  private readonly onAbort: (() => void) | undefined;

  constructor(
    private readonly resolve: (out: { response: HttpResponse }) => void,
    private readonly reject: (err: Error) => void,
    private readonly signal: AnyAbortSignal | undefined,
  ) {
    if (!signal) return;
    this.onAbort = () => {
      this.aborted = abortError(signal);
      this.controller?.abort(this.aborted);
      this.settle(this.aborted);
    };
    if (typeof (signal as AbortSignal).addEventListener === 'function') (signal as AbortSignal).addEventListener('abort', this.onAbort, { once: true });
    else signal.onabort = this.onAbort;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.aborted) controller.abort(this.aborted);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: Record<string, string | string[] | undefined>, statusMessage?: string): void {
    this.statusCode = statusCode;
    this.reason = statusMessage;
    const bag: HeaderBag = {};
    for (const name in headers) {
      const value = headers[name];
      if (value !== undefined) bag[name] = Array.isArray(value) ? value.join(', ') : value;
    }
    this.headers = bag;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.chunks.push(chunk);
  }

  onResponseEnd(): void {
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.settle(undefined, { statusCode: this.statusCode, reason: this.reason, headers: this.headers, body });
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, err: Error): void {
    this.settle(this.aborted ?? sdkError(err));
  }

  private settle(err: Error | undefined, response?: HttpResponse): void {
    if (this.done) return;
    this.done = true;
    if (this.signal && this.onAbort) {
      if (typeof (this.signal as AbortSignal).removeEventListener === 'function') (this.signal as AbortSignal).removeEventListener('abort', this.onAbort);
      else if (this.signal.onabort === this.onAbort) this.signal.onabort = null;
    }
    if (err) this.reject(err);
    else this.resolve({ response: response! });
  }
}

/** undici's errors as the SDK's retry rules know them from node:http. */
function sdkError(err: Error & { code?: string }): Error {
  switch (err.code) {
    case 'UND_ERR_CONNECT_TIMEOUT':
    case 'UND_ERR_HEADERS_TIMEOUT':
    case 'UND_ERR_BODY_TIMEOUT':
      return Object.assign(new Error(err.message, { cause: err }), { name: 'TimeoutError', code: err.code });
    case 'UND_ERR_SOCKET':
      return Object.assign(new Error(err.message, { cause: err }), { code: 'ECONNRESET' });
    default:
      return err;
  }
}

/** What NodeHttpHandler rejects with on an abort: an `AbortError`, with the signal's reason as its cause. */
function abortError(signal: AnyAbortSignal): Error {
  const reason: unknown = 'reason' in signal ? (signal as AbortSignal).reason : undefined;
  const err = new Error(reason !== undefined && !(reason instanceof Error) ? String(reason) : 'Request aborted', reason instanceof Error ? { cause: reason } : undefined);
  err.name = 'AbortError';
  return err;
}

/** The request's path and query, the query built as the SDK's own handlers build it (and its signer signed it). */
function pathOf(request: HttpRequest): string {
  const query = request.query ? buildQueryString(request.query) : '';
  return `${request.path}${query ? `?${query}` : ''}${request.fragment ? `#${request.fragment}` : ''}`;
}

// The client's retry rules against a scripted HTTP server on a real loopback socket: what is retried
// (429, 503, lost answers of idempotent calls), what is not, the backoff and Retry-After, timeouts
// and AbortSignal. Sleeps are recorded, not slept, so the suite is fast and exact.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { parseRetryAfter } from '../../../sdk/typescript/src/retry-policy.js';
import { waitFor } from '../../support/wait-for.js';
import { NetworkError, RateLimitedError, ServerError, TimeoutError, TriggersApiClient, ValidationError } from '../../../sdk/typescript/src/index.js';

type Step = (req: IncomingMessage, res: ServerResponse) => void;
const json = (status: number, body: unknown, headers: Record<string, string> = {}): Step => (_req, res) => {
  res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': 'req_scripted', ...headers }).end(JSON.stringify(body));
};
const event = { event_id: 'evt_1', source: 's', event_type: 't', payload: {}, status: 'pending', created_at: 'x', acknowledged_at: null };
const drop: Step = (req) => req.socket.destroy();
const hang: Step = () => {};

let server: Server;
let baseUrl: string;
let script: Step[] = [];
let seen: { method: string; url: string; headers: IncomingMessage['headers'] }[] = [];
beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers });
      (script.shift() ?? json(500, { error: { code: 'internal', message: 'script exhausted' } }))(req, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
let sleeps: number[] = [];
beforeEach(() => {
  script = [];
  seen = [];
  sleeps = [];
});
const client = (extra: Partial<ConstructorParameters<typeof TriggersApiClient>[0]> = {}) =>
  new TriggersApiClient({ apiKey: 'tr_k', baseUrl, random: () => 0.5, sleep: async (ms) => void sleeps.push(ms), idempotencyKey: () => 'idem-generated', ...extra });

it('retries a create after a lost answer with the same generated Idempotency-Key', async () => {
  script = [drop, json(201, event)];
  await expect(client().events.create({ source: 's', event_type: 't', payload: {} })).resolves.toEqual(event);
  expect(seen.map((s) => s.headers['idempotency-key'])).toEqual(['idem-generated', 'idem-generated']);
});

it('never retries a lost answer of a call that is not idempotent', async () => {
  script = [drop, json(201, {})];
  await expect(client().webhooks.create({ url: 'http://x', events: ['*'] })).rejects.toBeInstanceOf(NetworkError);
  expect(seen).toHaveLength(1);
});

it('retries 503 for any call, honouring a Retry-After longer than the backoff', async () => {
  script = [json(503, { error: { code: 'service_unavailable', message: 'later' } }, { 'retry-after': '2' }), json(201, {})];
  await client().webhooks.create({ url: 'http://x', events: ['*'] });
  expect(seen).toHaveLength(2);
  expect(sleeps).toEqual([2000]);
});

it('backs off exponentially with jitter and gives up after maxAttempts with a typed error', async () => {
  const unavailable = json(503, { error: { code: 'service_unavailable', message: 'down', request_id: 'req_9' } });
  script = [unavailable, unavailable, unavailable, unavailable];
  const err = await client({ retry: { maxAttempts: 4, baseDelayMs: 100 } }).events.get('evt_1').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ServerError);
  expect(err).toMatchObject({ status: 503, code: 'service_unavailable', requestId: 'req_9' });
  // random() = 0.5: half fixed plus a quarter, of 100, 200, 400.
  expect(sleeps).toEqual([75, 150, 300]);
});

it('throws RateLimitedError with retryAfterMs when the wait exceeds what the client accepts', async () => {
  script = [json(429, { error: { code: 'rate_limited', message: 'slow', details: { retry_after: 120 } } }, { 'retry-after': '120' })];
  const err = await client().events.get('evt_1').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(RateLimitedError);
  expect(err).toMatchObject({ retryAfterMs: 120_000, details: { retry_after: 120 }, requestId: 'req_scripted' });
  expect(seen).toHaveLength(1);
});

it('hands a 503 whose Retry-After is too long to the caller with retryAfterMs, and names it in String(err)', async () => {
  script = [json(503, { error: { code: 'service_unavailable', message: 'busy' } }, { 'retry-after': '60' })];
  const err = await client().events.get('evt_1').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ServerError);
  expect(err).toMatchObject({ status: 503, code: 'service_unavailable', retryAfterMs: 60_000 });
  expect(String(err)).toBe('ServerError 503 service_unavailable: busy (request req_scripted)');
  expect(seen).toHaveLength(1);
});

it('does not retry a client error and reports the fields', async () => {
  script = [json(400, { error: { code: 'validation_error', message: 'body.source', details: [{ field: 'body.source', message: 'too small' }] } })];
  const err = await client().events.create({ source: '', event_type: 't', payload: {} }).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ValidationError);
  expect(err).toMatchObject({ code: 'validation_error', details: [{ field: 'body.source', message: 'too small' }] });
  expect(seen).toHaveLength(1);
});

it('times out a hung attempt, then retries a GET', async () => {
  script = [hang, json(200, event)];
  await expect(client({ timeoutMs: 200 }).events.get('evt_1')).resolves.toEqual(event);
  expect(seen).toHaveLength(2);
  script = [hang];
  const err = await client({ timeoutMs: 200, retry: { maxAttempts: 1 } }).events.get('evt_1').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(TimeoutError);
  expect(err).toMatchObject({ code: 'timeout', status: 0 });
});

it('stops at once when the caller aborts, without retrying', async () => {
  script = [hang, json(200, event)];
  const controller = new AbortController();
  const pending = client().events.get('evt_1', { signal: controller.signal });
  await waitFor(() => seen.length === 1, { timeoutMs: 5_000, message: 'the request reached the server' });
  controller.abort(new Error('caller gave up'));
  await expect(pending).rejects.toThrow('caller gave up');
  expect(seen).toHaveLength(1);
});

it('follows cursors lazily: breaking out of the loop fetches no further page', async () => {
  const page = (ids: string[], next: string | null) => json(200, { events: ids.map((id) => ({ ...event, event_id: id })), next_cursor: next, has_more: next !== null });
  script = [page(['a', 'b'], 'c1'), page(['c', 'd'], 'c2'), page(['e'], null)];
  const ids: string[] = [];
  for await (const e of client().inbox({ limit: 2 })) ids.push(e.event_id);
  expect(ids).toEqual(['a', 'b', 'c', 'd', 'e']);
  expect(seen.map((s) => s.url)).toEqual(['/v1/inbox?limit=2', '/v1/inbox?limit=2&cursor=c1', '/v1/inbox?limit=2&cursor=c2']);
  seen = [];
  script = [page(['a', 'b'], 'c1')];
  for await (const e of client().inbox()) if (e.event_id === 'a') break;
  expect(seen).toHaveLength(1);
});

it('reads Retry-After as seconds or as an HTTP date, and ignores junk', () => {
  const now = Date.parse('2026-12-05T03:00:00Z');
  expect(parseRetryAfter('3', now)).toBe(3000);
  expect(parseRetryAfter(new Date(now + 10_000).toUTCString(), now)).toBe(10_000);
  expect(parseRetryAfter('soon', now)).toBeUndefined();
  expect(parseRetryAfter(null, now)).toBeUndefined();
});

// The outgoing HTTP fault point as an undici interceptor, against a real loopback receiver: matching
// by host, error statuses without reaching the receiver, resets, latency, timeouts and lost answers.
import { Agent, fetch, request } from 'undici';
import { afterEach, expect, it } from 'vitest';
import { chaosInterceptor } from '../../../chaos/src/points/undici-point.js';
import { ChaosEngine } from '../../../chaos/src/rules/chaos-engine.js';
import type { RuleInput } from '../../../chaos/src/rules/rule-schema.js';
import { listen, type Listening } from '../support/listen.js';
import { rejection } from '../support/rejection.js';

const open: { receiver: Listening; agent: Agent }[] = [];
afterEach(async () => {
  for (const { receiver, agent } of open.splice(0)) {
    await agent.close();
    await receiver.close();
  }
});

async function setup(rules: (host: string) => RuleInput[]) {
  const received: string[] = [];
  const receiver = await listen((req, res) => {
    received.push(`${req.method} ${req.url}`);
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end('delivered'));
  });
  const host = new URL(receiver.url).host;
  const engine = new ChaosEngine({ enabled: true, seed: 3, rules: rules(host) });
  const agent = new Agent();
  open.push({ receiver, agent });
  return { url: receiver.url, host, engine, received, dispatcher: agent.compose(chaosInterceptor(engine)) };
}

it('answers the configured status without reaching the receiver', async () => {
  const { url, received, dispatcher } = await setup((host) => [{ id: 'e502', point: 'http_out', match: { host }, injector: { kind: 'http_error', status: 502, retry_after_s: 3 } }]);
  const res = await request(`${url}/hook`, { method: 'POST', body: '{}', dispatcher });
  expect(res.statusCode).toBe(502);
  expect(res.headers['retry-after']).toBe('3');
  expect(await res.body.json()).toMatchObject({ error: { code: 'chaos_injected' } });
  expect(received).toEqual([]);
});

it('records the delivery id of the outgoing request with the injection', async () => {
  const { url, dispatcher, engine } = await setup((host) => [{ id: 'e500', point: 'http_out', match: { host }, injector: { kind: 'http_error', status: 500 } }]);
  await (await request(`${url}/hook`, { method: 'POST', body: '{}', headers: { 'X-Webhook-Id': 'dlv_42' }, dispatcher })).body.dump();
  await (await fetch(`${url}/hook`, { method: 'POST', body: '{}', headers: { 'x-request-id': 'req_7' }, dispatcher })).arrayBuffer();
  expect(engine.log.entries().map((e) => e.request_id)).toEqual(['dlv_42', 'req_7']);
});

it('works as the dispatcher of Node\'s global fetch too', async () => {
  const { url, received, dispatcher } = await setup((host) => [{ id: 'e503', point: 'http_out', match: { host }, injector: { kind: 'http_error' } }]);
  // Node 20's fetch types its `dispatcher` with its bundled undici's classes; the runtime accepts ours.
  const init: Omit<RequestInit, 'dispatcher'> & { dispatcher: unknown } = { method: 'POST', body: 'x', dispatcher };
  const res = await globalThis.fetch(`${url}/hook`, init as RequestInit);
  expect(res.status).toBe(503);
  expect(received).toEqual([]);
});

it('leaves hosts that do not match alone', async () => {
  const { url, received, dispatcher, engine } = await setup(() => [{ id: 'elsewhere', point: 'http_out', match: { host: 'example.invalid:*' }, injector: { kind: 'http_error' } }]);
  const res = await fetch(`${url}/hook`, { method: 'POST', body: 'x', dispatcher });
  expect(await res.text()).toBe('delivered');
  expect(received).toEqual(['POST /hook']);
  expect(engine.log.entries()).toEqual([]);
});

it('fails with ECONNRESET on a connection reset', async () => {
  const { url, received, dispatcher } = await setup((host) => [{ id: 'rst', point: 'http_out', match: { host }, injector: { kind: 'connection_reset' } }]);
  const error = await rejection(request(`${url}/hook`, { method: 'POST', body: 'x', dispatcher }));
  expect(error.code).toBe('ECONNRESET');
  expect(received).toEqual([]);
});

it('surfaces a reset through fetch as a network error caused by ECONNRESET', async () => {
  const { url, dispatcher } = await setup((host) => [{ id: 'rst', point: 'http_out', match: { host }, injector: { kind: 'connection_reset' } }]);
  const error = await rejection(fetch(`${url}/hook`, { method: 'POST', body: 'x', dispatcher }));
  expect(error.name).toBe('TypeError');
  expect((error.cause as { code?: string }).code).toBe('ECONNRESET');
});

it('delays the request and then delivers it', async () => {
  const { url, received, dispatcher } = await setup((host) => [{ id: 'slow', point: 'http_out', match: { host }, injector: { kind: 'latency', ms: 150 } }]);
  const started = performance.now();
  const res = await fetch(`${url}/hook`, { method: 'POST', body: 'x', dispatcher });
  expect(await res.text()).toBe('delivered');
  expect(performance.now() - started).toBeGreaterThanOrEqual(145);
  expect(received).toEqual(['POST /hook']);
});

it('lets the caller abort a delayed request before it is sent', async () => {
  const { url, received, dispatcher } = await setup((host) => [{ id: 'slow', point: 'http_out', match: { host }, injector: { kind: 'latency', ms: 10_000 } }]);
  const started = performance.now();
  await rejection(fetch(`${url}/hook`, { method: 'POST', body: 'x', dispatcher, signal: AbortSignal.timeout(150) }));
  expect(performance.now() - started).toBeLessThan(5_000);
  expect(received).toEqual([]);
});

it('hangs a timed-out request until the caller aborts', async () => {
  const { url, dispatcher } = await setup((host) => [{ id: 'hang', point: 'http_out', match: { host }, injector: { kind: 'timeout', ms: 20_000 } }]);
  const started = performance.now();
  const error = await rejection(fetch(`${url}/hook`, { dispatcher, signal: AbortSignal.timeout(200) }));
  expect(error.name).toMatch(/TimeoutError|AbortError/);
  expect(performance.now() - started).toBeGreaterThanOrEqual(180);
  expect(performance.now() - started).toBeLessThan(5_000);
});

it('fails with TimeoutError when a timeout reaches its bound', async () => {
  const { url, dispatcher } = await setup((host) => [{ id: 'hang', point: 'http_out', match: { host }, injector: { kind: 'timeout', ms: 100 } }]);
  const error = await rejection(request(`${url}/hook`, { dispatcher }));
  expect(error.name).toBe('TimeoutError');
});

it('delivers the request but loses the answer on a partial failure after delivery', async () => {
  const { url, received, dispatcher } = await setup((host) => [{ id: 'lost', point: 'http_out', match: { host }, injector: { kind: 'partial_failure', phase: 'after' } }]);
  const error = await rejection(request(`${url}/hook`, { method: 'POST', body: 'x', dispatcher }));
  expect(error.code).toBe('ECONNRESET');
  expect(received).toEqual(['POST /hook']);
});

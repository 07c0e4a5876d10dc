// The incoming HTTP fault point on a real Express app over a loopback socket: matching by method and
// route, latency, error answers, resets, held requests, and lost answers after committed work.
import express from 'express';
import { afterEach, expect, it } from 'vitest';
import { chaosExpressMiddleware } from '../../../chaos/src/points/express-point.js';
import { ChaosEngine } from '../../../chaos/src/rules/chaos-engine.js';
import type { RuleInput } from '../../../chaos/src/rules/rule-schema.js';
import type { Clock } from '../../../chaos/src/clock.js';
import { listen, type Listening } from '../support/listen.js';
import { manualClock } from '../support/manual-clock.js';
import { rejection } from '../support/rejection.js';

let running: Listening | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function serve(rules: RuleInput[], clock?: Clock): Promise<{ url: string; engine: ChaosEngine; handled: string[] }> {
  const engine = new ChaosEngine({ enabled: true, seed: 1, rules, clock });
  const handled: string[] = [];
  const app = express();
  app.use(chaosExpressMiddleware(engine));
  app.post('/v1/events', (req, res) => {
    handled.push(`${req.method} ${req.path}`);
    res.status(201).json({ ok: true });
  });
  app.get('/v1/events/:id', (req, res) => {
    handled.push(`${req.method} ${req.path}`);
    res.json({ id: req.params.id });
  });
  running = await listen(app);
  return { url: running.url, engine, handled };
}

it('answers the configured error status instead of running the route, with Retry-After and request id', async () => {
  const { url, handled } = await serve([
    { id: 'e503', point: 'http_in', match: { method: 'POST', route: '/v1/events' }, injector: { kind: 'http_error', status: 503, retry_after_s: 2 } },
  ]);
  const res = await fetch(`${url}/v1/events`, { method: 'POST', headers: { 'x-request-id': 'r-1' } });
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toBe('2');
  expect(await res.json()).toEqual({ error: { code: 'chaos_injected', message: expect.any(String), request_id: 'r-1' } });
  expect(handled).toEqual([]);
});

it('matches by method and route pattern, leaving other routes alone', async () => {
  const { url, engine } = await serve([
    { id: 'reads', point: 'http_in', match: { method: 'GET', route: '/v1/events/:id' }, injector: { kind: 'http_error', status: 500 } },
  ]);
  expect((await fetch(`${url}/v1/events`, { method: 'POST' })).status).toBe(201);
  expect((await fetch(`${url}/v1/events/evt_1`)).status).toBe(500);
  expect(engine.log.entries().map((e) => e.rule)).toEqual(['reads']);
});

it('delays matching requests by the injected latency', async () => {
  const { url } = await serve([{ id: 'slow', point: 'http_in', injector: { kind: 'latency', ms: 150 } }]);
  const started = performance.now();
  expect((await fetch(`${url}/v1/events/a`)).status).toBe(200);
  expect(performance.now() - started).toBeGreaterThanOrEqual(145);
});

it('resets the connection so the client sees a network error', async () => {
  const { url, handled } = await serve([{ id: 'rst', point: 'http_in', injector: { kind: 'connection_reset' } }]);
  const error = await rejection(fetch(`${url}/v1/events`, { method: 'POST' }));
  expect(error.name).toBe('TypeError');
  expect(handled).toEqual([]);
});

it('answers 429 beyond the throttle rate', async () => {
  const { url } = await serve([{ id: 'rate', point: 'http_in', injector: { kind: 'throttle', ops_per_second: 1, retry_after_s: 1 } }], manualClock());
  const statuses = [];
  for (let i = 0; i < 3; i++) statuses.push((await fetch(`${url}/v1/events/a`)).status);
  expect(statuses).toEqual([200, 429, 429]);
});

it('holds a timed-out request until the client gives up', async () => {
  const { url, handled } = await serve([{ id: 'hold', point: 'http_in', injector: { kind: 'timeout', ms: 20_000 } }]);
  const started = performance.now();
  const error = await rejection(fetch(`${url}/v1/events/a`, { signal: AbortSignal.timeout(200) }));
  expect(error.name).toMatch(/TimeoutError|AbortError/);
  expect(performance.now() - started).toBeLessThan(5_000);
  expect(handled).toEqual([]);
});

it('answers 504 when a held request reaches the injector bound', async () => {
  const { url } = await serve([{ id: 'hold', point: 'http_in', injector: { kind: 'timeout', ms: 100 } }]);
  expect((await fetch(`${url}/v1/events/a`)).status).toBe(504);
});

it('runs the route but drops the answer on a partial failure after the work', async () => {
  const { url, handled } = await serve([{ id: 'lost', point: 'http_in', injector: { kind: 'partial_failure', phase: 'after' } }]);
  await rejection(fetch(`${url}/v1/events`, { method: 'POST' }));
  expect(handled).toEqual(['POST /v1/events']);
});

it('passes every request through untouched when disabled', async () => {
  const { url, engine, handled } = await serve([{ id: 'all', point: 'http_in', injector: { kind: 'http_error', status: 500 } }]);
  engine.enabled = false;
  expect((await fetch(`${url}/v1/events`, { method: 'POST' })).status).toBe(201);
  expect(handled).toHaveLength(1);
});

// The control API over a real loopback socket: admin auth, rule CRUD with 400s naming the field,
// the heal kill switch, the injection log, auditing, and refusal to exist in production.
import express from 'express';
import { afterEach, expect, it } from 'vitest';
import { chaosControlRouter, type ChaosAuditEntry } from '../../../chaos/src/control/chaos-control-router.js';
import { ChaosEngine } from '../../../chaos/src/rules/chaos-engine.js';
import { listen, type Listening } from '../support/listen.js';

const token = 'admin-secret-token';
let running: Listening | undefined;
afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function serve() {
  const engine = new ChaosEngine({ enabled: true, seed: 'ctl' });
  const audits: ChaosAuditEntry[] = [];
  const app = express();
  app.use(chaosControlRouter({ engine, adminToken: token, nodeEnv: 'test', audit: (e) => void audits.push(e) }));
  running = await listen(app);
  const call = (method: string, path: string, body?: unknown, auth = `Bearer ${token}`) =>
    fetch(`${running?.url}${path}`, {
      method,
      headers: { authorization: auth, 'content-type': 'application/json', 'x-request-id': 'req-9' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  return { engine, audits, call };
}

const latencyRule = { id: 'slow', point: 'dynamodb', injector: { kind: 'latency', ms: 50 } };

it('refuses requests without the admin token', async () => {
  const { call } = await serve();
  expect((await call('GET', '/_chaos/rules', undefined, '')).status).toBe(401);
  const wrong = await call('GET', '/_chaos/rules', undefined, 'Bearer nope');
  expect(wrong.status).toBe(401);
  expect(await wrong.json()).toEqual({ error: { code: 'unauthorized', message: 'admin token required' } });
});

it('adds rules with PUT and lists them with their state', async () => {
  const { call, engine, audits } = await serve();
  const put = await call('PUT', '/_chaos/rules', { rules: [latencyRule] });
  expect(put.status).toBe(200);
  const listed = (await (await call('GET', '/_chaos/rules')).json()) as { enabled: boolean; seed: string; rules: { id: string; state: string; count: number }[] };
  expect(listed).toMatchObject({ enabled: true, seed: 'ctl', rules: [{ id: 'slow', state: 'active', count: 0 }] });
  expect(engine.listRules()).toHaveLength(1);
  expect(audits).toEqual([{ action: 'chaos.rules.upsert', rule_ids: ['slow'], request_id: 'req-9' }]);
});

it('answers 400 validation_error naming the bad field', async () => {
  const { call, engine } = await serve();
  const res = await call('PUT', '/_chaos/rules', { rules: [{ ...latencyRule, probability: 7 }] });
  expect(res.status).toBe(400);
  expect(await res.json()).toEqual({
    error: { code: 'validation_error', message: expect.any(String), request_id: 'req-9', details: [{ path: '0.probability', message: expect.any(String) }] },
  });
  expect(engine.listRules()).toEqual([]);
});

it('answers 400 invalid_json for a malformed body', async () => {
  const { call } = await serve();
  const res = await call('PUT', '/_chaos/rules', '{"rules": [');
  expect(res.status).toBe(400);
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe('invalid_json');
});

it('replaces the whole set when asked', async () => {
  const { call, engine } = await serve();
  await call('PUT', '/_chaos/rules', [latencyRule]);
  await call('PUT', '/_chaos/rules', { replace: true, rules: [{ ...latencyRule, id: 'other' }] });
  expect(engine.listRules().map((r) => r.id)).toEqual(['other']);
});

it('deletes one rule by id, and 404s an unknown one', async () => {
  const { call, engine } = await serve();
  await call('PUT', '/_chaos/rules', [latencyRule, { ...latencyRule, id: 'two' }]);
  expect((await call('DELETE', '/_chaos/rules/slow')).status).toBe(204);
  expect(engine.listRules().map((r) => r.id)).toEqual(['two']);
  const missing = await call('DELETE', '/_chaos/rules/slow');
  expect(missing.status).toBe(404);
  expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
});

it('deletes every rule with DELETE /_chaos/rules', async () => {
  const { call, engine, audits } = await serve();
  await call('PUT', '/_chaos/rules', [latencyRule, { ...latencyRule, id: 'two' }]);
  expect((await call('DELETE', '/_chaos/rules')).status).toBe(204);
  expect(engine.listRules()).toEqual([]);
  expect(audits.at(-1)).toMatchObject({ action: 'chaos.rules.clear', rule_ids: ['slow', 'two'] });
});

it('heals everything at once with the kill switch', async () => {
  const { call, engine, audits } = await serve();
  await call('PUT', '/_chaos/rules', [latencyRule, { ...latencyRule, id: 'two' }]);
  const res = await call('POST', '/_chaos/heal');
  expect(await res.json()).toEqual({ healed: 2 });
  expect(engine.listRules()).toEqual([]);
  expect(engine.decide('dynamodb', { operation: 'PutItem' })).toBeNull();
  expect(audits.at(-1)).toMatchObject({ action: 'chaos.heal', rule_ids: ['slow', 'two'] });
});

it('serves the recent injection log', async () => {
  const { call, engine } = await serve();
  await call('PUT', '/_chaos/rules', [latencyRule]);
  for (let i = 0; i < 3; i++) engine.decide('dynamodb', { operation: 'PutItem' }, { requestId: `r${i}` });
  const body = (await (await call('GET', '/_chaos/log?limit=2')).json()) as { entries: { seq: number; request_id: string }[] };
  expect(body.entries.map((e) => [e.seq, e.request_id])).toEqual([[2, 'r1'], [3, 'r2']]);
  expect((await call('GET', '/_chaos/log?limit=0')).status).toBe(400);
});

it('turns injection off and on without dropping rules', async () => {
  const { call, engine, audits } = await serve();
  await call('PUT', '/_chaos/rules', [latencyRule]);
  const off = await call('PUT', '/_chaos/enabled', { enabled: false });
  expect(await off.json()).toMatchObject({ enabled: false, rules: [{ id: 'slow' }] });
  expect(engine.decide('dynamodb', {})).toBeNull();
  await call('PUT', '/_chaos/enabled', { enabled: true });
  expect(engine.decide('dynamodb', {})?.rule).toBe('slow');
  expect(audits.slice(-2).map((a) => a.action)).toEqual(['chaos.disable', 'chaos.enable']);
  const bad = await call('PUT', '/_chaos/enabled', { enabled: 'yes' });
  expect(bad.status).toBe(400);
  expect(((await bad.json()) as { error: { details: { path: string }[] } }).error.details[0]?.path).toBe('enabled');
});

it('refuses to exist in production', () => {
  expect(() => chaosControlRouter({ engine: new ChaosEngine(), adminToken: token, nodeEnv: 'production' })).toThrow(
    expect.objectContaining({ code: 'chaos_forbidden_in_production' }),
  );
});

// An event's group commit lands and its answer is lost. The server reads back what landed (held up
// here 1.5 s by a chaos rule) and writes again what may be missing: the event stored is left alone,
// the outbox rows are written again. By then the analytics processor has counted the event's facts
// and deleted their row; the rewrite brings it back, and its facts must not be counted a second time.
// (Events created without an idempotency key carry facts not marked `dedupe`: before the processor
// remembered the rows it consumed, such a late row counted twice.)
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ChaosEngine } from '../../chaos/src/index.js';
import type { Stores } from '../../reference-server/src/store/stores.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { waitFor } from '../support/wait-for.js';
import { seededEngine } from './support/chaos-run.js';

let api: TestApi;
let engine: ChaosEngine;
beforeAll(async () => {
  engine = seededEngine('analytics resend');
  api = await startTestApi({ RATE_LIMIT_ENABLED: 'false', ANALYTICS_POLL_MS: '20' }, { chaos: { engine } });
});
afterAll(async () => api?.close());

async function counted(tenant: string): Promise<number> {
  const { rows } = await (api.deps.stores as unknown as Stores).analytics.query(tenant, 'daily', { from: '0', to: '9', limit: 100, nowMs: Date.now() });
  return rows.reduce((n, r) => n + r.event_count, 0);
}

it('counts an event once when its outbox rows are written again after the processor counted it', { timeout: 30_000 }, async () => {
  const key = await api.createKey();
  const events = `${api.config.TABLE_PREFIX}events`;
  // The first rule answers the commit's first attempt with an error after it landed; the second holds
  // up the read of what landed, and so the rewrite that follows it.
  engine.upsertRules([
    { id: 'lose-commit-answer', point: 'dynamodb', match: { operation: 'BatchWriteItem', table: events }, injector: { kind: 'partial_failure', phase: 'after' }, max_count: 1 },
    { id: 'hold-rewrite', point: 'dynamodb', match: { operation: 'BatchGetItem', table: events }, injector: { kind: 'latency', ms: 1_500 }, max_count: 1 },
  ]);
  const posted = api.call('POST', '/v1/events', { key: key.api_key, body: { source: 'resend', event_type: 'order.created', payload: {} } });
  let answered = false;
  void posted.then(() => (answered = true));
  // Counted while the read back, and so the rewrite, is held up: the create answers only after both.
  // (The processor may count before the read back starts, which goes after the call is on record.)
  await waitFor(() => engine.log.entries().some((e) => e.rule === 'hold-rewrite'), { timeoutMs: 10_000, message: 'the read back held up' });
  await waitFor(async () => (await counted(key.tenant_id)) === 1, { timeoutMs: 10_000, message: 'the event counted before the rewrite' });
  expect(answered).toBe(false);
  expect(engine.log.entries().filter((e) => e.rule === 'hold-rewrite')).toHaveLength(1);
  expect((await posted).status).toBe(201);
  // The rewritten rows are consumed too; then the count is still one.
  await waitFor(async () => (await (api.deps.stores as unknown as Stores).outbox.readFacts(1)).length === 0, { message: 'feed drained' });
  expect(await counted(key.tenant_id)).toBe(1);
  expect(engine.log.entries().filter((e) => e.rule === 'lose-commit-answer')).toHaveLength(1);
});

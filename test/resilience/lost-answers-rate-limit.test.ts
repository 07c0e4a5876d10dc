// A request's rate-limit count lands and its answer is lost. The SDK would send the ADD again and
// count the request twice, for the rest of the day's window; instead the count is not sent again blind:
// the request is let through as when the counter store fails (fail open), counted once.
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ChaosEngine } from '../../chaos/src/index.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { seededEngine } from './support/chaos-run.js';

let api: TestApi;
let engine: ChaosEngine;
beforeAll(async () => {
  engine = seededEngine('lost answer of a rate-limit count');
  api = await startTestApi({ RATE_LIMIT_ENABLED: 'true' }, { chaos: { engine } });
});
afterAll(async () => api?.close());

it('counts a request once when its count landed with its answer lost', async () => {
  const { api_key: key } = await api.createKey();
  const table = `${api.config.TABLE_PREFIX}rate-limits`;
  const counts = async () => ((await api.dynamo.doc.send(new ScanCommand({ TableName: table, ConsistentRead: true }))).Items ?? []).map((i) => i.day as number);
  const before = (await counts()).reduce((a, b) => a + b, 0);
  engine.upsertRules([{ id: 'lose-count-answer', point: 'dynamodb', match: { table, operation: 'UpdateItem' }, injector: { kind: 'partial_failure', phase: 'after' }, max_count: 1 }]);
  const res = await api.call('POST', '/v1/events', { key, body: { source: 'shop', event_type: 'order.created', payload: {} } });
  expect(engine.log.entries().filter((e) => e.rule === 'lose-count-answer')).toHaveLength(1);
  expect(res.status).toBe(201);
  expect((await counts()).reduce((a, b) => a + b, 0)).toBe(before + 1);
});

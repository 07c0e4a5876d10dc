// The chaos host in the Triggers API: the control API's audit entries are written past the rules
// they record, so a rule on the store's writes neither loses its own entry nor holds its answer back.
import { afterEach, expect, it } from 'vitest';
import { ChaosEngine } from '../../chaos/src/index.js';
import { ADMIN_TOKEN, startTestApi, type TestApi } from '../support/test-api.js';

let api: TestApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

it('audits a rule that throttles every PutItem without the rule touching its own audit write', async () => {
  const engine = new ChaosEngine({ enabled: true, seed: 'chaos-host' });
  api = await startTestApi({ WORKER_ENABLED: 'false', ANALYTICS_ENABLED: 'false', DYNAMODB_MAX_ATTEMPTS: '2' }, { chaos: { engine } });
  const rule = { id: 'throttle-puts', point: 'dynamodb', match: { operation: 'PutItem' }, injector: { kind: 'dynamodb_error', error: 'ThrottlingException' }, probability: 1, duration: 60_000 };
  const put = await api.call('PUT', '/_chaos/rules', { key: ADMIN_TOKEN, body: { rules: [rule] } });
  expect(put.status).toBe(200);
  // The audit entry is a PutItem: had the rule applied to it, it would have fired on every attempt.
  expect(engine.listRules().find((r) => r.id === 'throttle-puts')?.count).toBe(0);
  const audit = await api.call('GET', '/v1/audit?action=chaos.rules.upsert', { key: ADMIN_TOKEN });
  expect(audit.status).toBe(200);
  expect((audit.body as { entries: { target: string }[] }).entries.map((e) => e.target)).toEqual(['throttle-puts']);
  // Outside the control API the rule is in force.
  const key = await api.call('POST', '/v1/api-keys', { key: ADMIN_TOKEN, body: { name: 'refused' } });
  expect(key.status).toBeGreaterThanOrEqual(500);
  expect(engine.listRules().find((r) => r.id === 'throttle-puts')?.count).toBeGreaterThan(0);
});

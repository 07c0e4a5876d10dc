// Health endpoints against a store that works, loses a table, and dies.
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChaosEngine } from '../../../chaos/src/index.js';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../../../reference-server/src/store/embedded-dynalite.js';
import { startTestApi, type TestApi } from '../../support/test-api.js';
import { waitFor } from '../../support/wait-for.js';

let db: EmbeddedDynamo;
let api: TestApi;
beforeAll(async () => {
  db = await startEmbeddedDynamo();
  api = await startTestApi({ DYNAMODB_ENDPOINT: db.endpoint, DYNAMODB_MAX_ATTEMPTS: '1' });
});
afterAll(async () => {
  await api?.close();
  await db?.stop();
});

describe('health', () => {
  it('reports healthy components with response times', async () => {
    const res = await api.call('GET', '/health');
    expect(res.status).toBe(200);
    // Working tables are healthy, or degraded when describing them took over 500 ms: which of the two
    // depends on the machine's load, so the rule is checked against the time the server measured.
    const ms = res.body.components.dynamodb.response_time_ms as number;
    expect(ms).toBeGreaterThanOrEqual(0);
    expect(res.body.status).toBe(ms > 500 ? 'degraded' : 'healthy');
    expect((await api.call('GET', '/health/live')).status).toBe(200);
    expect((await api.call('GET', '/health/ready')).status).toBe(200);
    expect((await api.call('GET', '/health/database')).body.details.tables['triggers-api-events']).toBe('ACTIVE');
  });

  it('reports degraded, still ready, when DynamoDB answers slower than 500 ms', async () => {
    const engine = new ChaosEngine({ enabled: true, seed: 1 });
    const slow = await startTestApi({ DYNAMODB_ENDPOINT: db.endpoint, WORKER_ENABLED: 'false', ANALYTICS_ENABLED: 'false' }, { chaos: { engine } });
    try {
      engine.upsertRules([{ id: 'slow-describe', point: 'dynamodb', match: { operation: 'DescribeTable' }, injector: { kind: 'latency', ms: 600 } }]);
      const res = await slow.call('GET', '/health');
      expect(res.body.status).toBe('degraded');
      expect(res.body.components.dynamodb.response_time_ms).toBeGreaterThanOrEqual(600);
      expect(engine.log.entries().some((e) => e.rule === 'slow-describe')).toBe(true);
      expect((await slow.call('GET', '/health/ready')).status).toBe(200);
    } finally {
      await slow.close();
    }
  });

  it('serves Prometheus metrics including the HTTP histogram', async () => {
    const res = await api.call('GET', '/metrics');
    expect(res.status).toBe(200);
    expect(res.text).toContain('http_request_duration_seconds_bucket');
    expect(res.text).toContain('process_cpu_seconds_total');
  });

  it('is not ready when a table is missing, and answers 503 when DynamoDB is gone', async () => {
    await api.dynamo.client.send(new DeleteTableCommand({ TableName: 'triggers-api-idempotency' }));
    await waitFor(async () => (await api.call('GET', '/health/ready')).status === 503, { message: 'ready turns 503' });
    db.kill();
    await waitFor(async () => (await api.call('GET', '/health')).body?.status === 'unhealthy', { message: 'health turns unhealthy' });
    const key = 'tr_' + 'B'.repeat(43);
    const res = await api.call('GET', '/v1/inbox', { key });
    // Storage down is a retryable 503 with the JSON error shape, never a hang or a 500.
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe('service_unavailable');
    expect(res.headers.get('retry-after')).toBe('1');
    expect((await api.call('GET', '/health/live')).status).toBe(200);
  });
});

// Health endpoints against a store that works, loses a table, and dies.
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    expect(res.body.status).toBe('healthy');
    expect(res.body.components.dynamodb.response_time_ms).toBeGreaterThanOrEqual(0);
    expect((await api.call('GET', '/health/live')).status).toBe(200);
    expect((await api.call('GET', '/health/ready')).status).toBe(200);
    expect((await api.call('GET', '/health/database')).body.details.tables['triggers-api-events']).toBe('ACTIVE');
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

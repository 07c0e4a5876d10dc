// Rate limits on real servers sharing one store: headers on every authenticated response, one budget
// across instances, 429 with Retry-After, reset at the window boundary, and the store-failure modes.
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../reference-server/src/domain/clock.js';
import { sameStore, startTestApi, type TestApi } from '../../support/test-api.js';

const TIERS = JSON.stringify({ free: { minute: 5, hour: 8, day: 100 }, startup: { minute: 50, hour: 100, day: 1000 } });
// 10:00:30 UTC: the minute window resets 30 s later.
const clock = new ManualClock(Date.parse('2026-05-01T10:00:30Z'));
let a: TestApi;
let b: TestApi;
beforeAll(async () => {
  a = await startTestApi({ RATE_LIMIT_TIERS: TIERS, WORKER_ENABLED: 'false' }, { clock });
  b = await startTestApi({ RATE_LIMIT_TIERS: TIERS, WORKER_ENABLED: 'false', ...sameStore(a) }, { clock });
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

describe('rate limiting', () => {
  it('shares one budget across two server instances and answers 429 with Retry-After past it', async () => {
    const key = await a.createKey();
    const statuses: number[] = [];
    const remaining: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await (i % 2 === 0 ? a : b).call('GET', '/v1/inbox', { key: key.api_key });
      statuses.push(res.status);
      remaining.push(res.headers.get('x-ratelimit-remaining')!);
      expect(res.headers.get('x-ratelimit-limit')).toBe('5');
      expect(res.headers.get('x-ratelimit-reset')).toBe(String(Date.parse('2026-05-01T10:01:00Z') / 1000));
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    const refused = await b.call('GET', '/v1/inbox', { key: key.api_key });
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('30');
    expect(refused.body.error).toMatchObject({ code: 'rate_limited', details: { retry_after: 30, window: 'minute', limit: 5 } });
    expect(refused.headers.get('x-ratelimit-remaining')).toBe('0');
  });

  it('admits exactly the limit from concurrent requests spread over both instances', async () => {
    const key = await a.createKey();
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).call('GET', '/v1/inbox', { key: key.api_key })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(5);
    expect(results.filter((r) => r.status === 429)).toHaveLength(7);
    const remaining = results.filter((r) => r.status === 200).map((r) => r.headers.get('x-ratelimit-remaining')).sort();
    expect(remaining).toEqual(['0', '1', '2', '3', '4']);
    clock.advance(60_000);
  });

  it('resets at the window boundary and does not charge refused requests to longer windows', async () => {
    const key = await a.createKey();
    for (let i = 0; i < 7; i++) await a.call('GET', '/v1/inbox', { key: key.api_key });
    clock.advance(60_000);
    // 5 passed in the first minute; 2 were refused and given back, so 3 of the hour's 8 remain.
    const next = await a.call('GET', '/v1/inbox', { key: key.api_key });
    expect(next.status).toBe(200);
    expect(next.headers.get('x-ratelimit-limit')).toBe('8');
    expect(next.headers.get('x-ratelimit-remaining')).toBe('2');
  });

  it('limits each key to its own tier and puts headers on error responses too', async () => {
    const key = await a.createKey({ name: 'startup', tier: 'startup' });
    const res = await a.call('GET', '/v1/events/evt_nope', { key: key.api_key });
    expect(res.status).toBe(404);
    expect(res.headers.get('x-ratelimit-limit')).toBe('50');
  });

  it('puts the headers on other tenant routers and key management answered to a key', async () => {
    const key = await a.createKey({ name: 'routers', tier: 'startup' });
    for (const path of ['/v1/webhooks', `/v1/api-keys/${key.key_id}`]) {
      const res = await a.call('GET', path, { key: key.api_key });
      expect(res.status, path).toBe(200);
      expect(res.headers.get('x-ratelimit-limit'), path).toBe('50');
    }
    const remaining = (await a.call('GET', '/v1/inbox', { key: key.api_key })).headers.get('x-ratelimit-remaining');
    expect(remaining).toBe('47'); // one count per request, however many routers mount the key check
  });

  it('keeps one budget across a rotation', async () => {
    const key = await a.createKey();
    for (let i = 0; i < 4; i++) await a.call('GET', '/v1/inbox', { key: key.api_key });
    const rotated = await a.call('POST', `/v1/api-keys/${key.key_id}/rotate`, { key: key.api_key });
    expect(rotated.status).toBe(201);
    expect((await a.call('GET', '/v1/inbox', { key: rotated.body.api_key })).status).toBe(429);
  });

  it('fails open by default and closed when configured, when the counter store is gone', async () => {
    const open = await startTestApi({ RATE_LIMIT_TIERS: TIERS, WORKER_ENABLED: 'false' }, { clock });
    const closed = await startTestApi({ RATE_LIMIT_TIERS: TIERS, WORKER_ENABLED: 'false', RATE_LIMIT_FAIL_MODE: 'closed', ...sameStore(open) }, { clock });
    try {
      const key = await open.createKey();
      await open.dynamo.client.send(new DeleteTableCommand({ TableName: `${open.deps.config.TABLE_PREFIX}rate-limits` }));
      const passed = await open.call('GET', '/v1/inbox', { key: key.api_key });
      expect(passed.status).toBe(200);
      expect(passed.headers.get('x-ratelimit-limit')).toBeNull();
      const refused = await closed.call('GET', '/v1/inbox', { key: key.api_key });
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toBe('1');
      const metrics = await (await fetch(`${open.url}/metrics`)).text();
      expect(metrics).toMatch(/rate_limit_decisions_total\{outcome="store_error_open"\} 1/);
    } finally {
      await closed.close();
      await open.close();
    }
  });
});

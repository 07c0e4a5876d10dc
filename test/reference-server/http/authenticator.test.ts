// The auth cache bound: a key revoked through one instance is refused by another instance that has
// it cached as soon as AUTH_CACHE_MS has passed, and by the revoking instance at once; an immediate
// rotation (transition_days 0) is bounded the same way, and a known expires_at is exact even from the cache.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../reference-server/src/domain/clock.js';
import { ADMIN_TOKEN, sameStore, startTestApi, type TestApi } from '../../support/test-api.js';

const clock = new ManualClock(Date.parse('2026-08-01T00:00:00Z'));
let a: TestApi;
let b: TestApi;
beforeAll(async () => {
  a = await startTestApi({ AUTH_CACHE_MS: '5000', WORKER_ENABLED: 'false' }, { clock });
  b = await startTestApi({ AUTH_CACHE_MS: '5000', WORKER_ENABLED: 'false', ...sameStore(a) }, { clock });
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

describe('authenticator cache', () => {
  it('refuses a revoked key on the revoking instance at once and on others within AUTH_CACHE_MS', async () => {
    const key = await a.createKey();
    expect((await a.call('GET', '/v1/inbox', { key: key.api_key })).status).toBe(200);
    expect((await b.call('GET', '/v1/inbox', { key: key.api_key })).status).toBe(200);
    expect((await a.call('POST', `/v1/api-keys/${key.key_id}/revoke`, { key: ADMIN_TOKEN })).status).toBe(200);
    expect((await a.call('GET', '/v1/inbox', { key: key.api_key })).status).toBe(401);
    clock.advance(4_999);
    expect((await b.call('GET', '/v1/inbox', { key: key.api_key })).status).toBe(200); // still inside the documented bound
    clock.advance(1);
    expect((await b.call('GET', '/v1/inbox', { key: key.api_key })).status).toBe(401);
  });

  it('refuses a key rotated with transition_days 0 on the rotating instance at once and on others within AUTH_CACHE_MS', async () => {
    const key = await a.createKey();
    expect((await b.call('GET', '/v1/inbox', { key: key.api_key })).status).toBe(200);
    expect((await a.call('POST', `/v1/api-keys/${key.key_id}/rotate`, { key: ADMIN_TOKEN, body: { transition_days: 0 } })).status).toBe(201);
    expect((await a.call('GET', '/v1/inbox', { key: key.api_key })).status).toBe(401);
    clock.advance(4_999);
    expect((await b.call('GET', '/v1/inbox', { key: key.api_key })).status).toBe(200); // b's copy predates the rotation: the documented bound
    clock.advance(1);
    expect((await b.call('GET', '/v1/inbox', { key: key.api_key })).status).toBe(401);
  });

  it('judges expiry on every request even from the cache', async () => {
    const key = await a.createKey();
    const rotated = await a.call('POST', `/v1/api-keys/${key.key_id}/rotate`, { key: ADMIN_TOKEN, body: { transition_days: 1 } });
    expect((await b.call('GET', '/v1/inbox', { key: key.api_key })).status).toBe(200);
    clock.set(Date.parse(rotated.body.previous_expires_at));
    expect((await b.call('GET', '/v1/inbox', { key: key.api_key })).status).toBe(401);
  });

  it('rejects malformed credentials without a lookup and answers every refusal alike', async () => {
    const shapes = ['nope', `tr_${'a'.repeat(42)}`, `tr_${'a'.repeat(43)}`];
    for (const s of shapes) {
      const res = await a.call('GET', '/v1/inbox', { key: s });
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ code: 'unauthorized', message: 'invalid or expired API key' });
    }
  });
});

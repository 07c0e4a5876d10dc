// The auth cache bound: a key revoked through one instance is refused by another instance that has
// it cached as soon as AUTH_CACHE_MS has passed, and by the revoking instance at once; an immediate
// rotation (transition_days 0) is bounded the same way, and a known expires_at is exact even from the cache.
// A busy key shares one read when its entry is gone and is read again in the background before it expires.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ManualClock } from '../../../reference-server/src/domain/clock.js';
import { ADMIN_TOKEN, sameStore, startTestApi, type TestApi } from '../../support/test-api.js';
import { waitFor } from '../../support/wait-for.js';

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

  it('sends one read for a burst of requests that find the entry expired, and every request gets its answer', async () => {
    const key = await a.createKey();
    expect((await b.call('GET', '/v1/inbox', { key: key.api_key })).status).toBe(200);
    clock.advance(5_000);
    const reads = vi.spyOn(b.deps.stores.apiKeys, 'findByHash');
    try {
      // Started in one tick, so all of them find the entry expired before any read returns.
      const results = await Promise.all(Array.from({ length: 20 }, () => b.deps.authenticator.authenticate(key.api_key)));
      expect(results.map((r) => r.ok)).toEqual(Array(20).fill(true));
      expect(reads).toHaveBeenCalledTimes(1);
    } finally {
      reads.mockRestore();
    }
  });

  it('reads a key again in the background past half its age, so a busy key never waits and the bound counts from that read', async () => {
    const key = await a.createKey();
    expect((await b.call('GET', '/v1/inbox', { key: key.api_key })).status).toBe(200);
    const reads = vi.spyOn(b.deps.stores.apiKeys, 'findByHash');
    try {
      clock.advance(2_499);
      expect((await b.call('GET', '/v1/inbox', { key: key.api_key })).status).toBe(200);
      expect(reads).not.toHaveBeenCalled();
      clock.advance(1); // half the age: answered from the cache, read again behind it
      expect((await b.call('GET', '/v1/inbox', { key: key.api_key })).status).toBe(200);
      await waitFor(async () => reads.mock.results.length === 1 && (await reads.mock.results[0]!.value) !== undefined, { message: 'background read' });
      // The revocation lands after that read, so b may accept the key until 5 s after the read began.
      expect((await a.call('POST', `/v1/api-keys/${key.key_id}/revoke`, { key: ADMIN_TOKEN })).status).toBe(200);
      clock.advance(4_999);
      expect((await b.call('GET', '/v1/inbox', { key: key.api_key })).status).toBe(200);
      clock.advance(1);
      expect((await b.call('GET', '/v1/inbox', { key: key.api_key })).status).toBe(401);
    } finally {
      reads.mockRestore();
    }
  });

  it('does not let a read that began before a revocation on this instance refill its cache', async () => {
    const key = await a.createKey();
    clock.advance(5_000);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const findByHash = a.deps.stores.apiKeys.findByHash.bind(a.deps.stores.apiKeys);
    const reads = vi.spyOn(a.deps.stores.apiKeys, 'findByHash').mockImplementationOnce(async (hash) => {
      const found = await findByHash(hash);
      await gate;
      return found;
    });
    try {
      const before = a.call('GET', '/v1/inbox', { key: key.api_key });
      await waitFor(() => reads.mock.calls.length === 1, { message: 'held read' });
      expect((await a.call('POST', `/v1/api-keys/${key.key_id}/revoke`, { key: ADMIN_TOKEN })).status).toBe(200);
      release();
      expect((await before).status).toBe(200); // began before the revocation
      expect((await a.call('GET', '/v1/inbox', { key: key.api_key })).status).toBe(401);
    } finally {
      reads.mockRestore();
    }
  });
});

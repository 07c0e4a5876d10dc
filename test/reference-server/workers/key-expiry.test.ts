// The scheduled expiry job: rotating versions past expires_at become expired (and audited) once,
// even with several instances sweeping; the job starts with the server and stops on close.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../reference-server/src/domain/clock.js';
import { expireKeys } from '../../../reference-server/src/workers/key-expiry.js';
import { ADMIN_TOKEN, startTestApi, type TestApi } from '../../support/test-api.js';
import { waitFor } from '../../support/wait-for.js';

const HOUR = 3_600_000;
const clock = new ManualClock(Date.parse('2026-06-01T00:00:00Z'));
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ WORKER_ENABLED: 'true', KEY_EXPIRY_INTERVAL_MS: '100' }, { clock });
});
afterAll(async () => api?.close());

describe('key expiry job', () => {
  it('marks a rotating version expired once its expires_at passes, and audits it', async () => {
    const key = await api.createKey();
    await api.call('POST', `/v1/api-keys/${key.key_id}/rotate`, { key: ADMIN_TOKEN, body: { transition_days: 1 } });
    clock.advance(23 * HOUR);
    // A sweep an hour before the instant leaves the key rotating.
    await expireKeys({ keys: api.deps.stores.apiKeys, audit: api.deps.audit, clock, ids: api.deps.ids });
    expect((await api.deps.stores.apiKeys.get(key.key_id))?.status).toBe('rotating');
    clock.advance(HOUR);
    await waitFor(async () => (await api.deps.stores.apiKeys.get(key.key_id))?.status === 'expired', { timeoutMs: 5_000, message: 'key marked expired' });
    const entries = await waitFor(async () => {
      const page = await api.deps.audit.list({ action: 'api_key.expire', limit: 10 });
      return page.entries.filter((e) => e.target === key.key_id).length ? page.entries.filter((e) => e.target === key.key_id) : undefined;
    });
    expect(entries).toHaveLength(1);
    expect(entries[0]!.actor).toBe('system:key-expiry');
  });

  it('marks each key once when several sweeps run at the same time', async () => {
    const keys = await Promise.all([1, 2, 3].map(() => api.createKey()));
    for (const k of keys) await api.call('POST', `/v1/api-keys/${k.key_id}/rotate`, { key: ADMIN_TOKEN, body: { transition_days: 1 } });
    clock.advance(25 * HOUR);
    const deps = { keys: api.deps.stores.apiKeys, audit: api.deps.audit, clock, ids: api.deps.ids };
    const counts = await Promise.all([expireKeys(deps), expireKeys(deps), expireKeys(deps)]);
    const expired = await Promise.all(keys.map(async (k) => (await api.deps.stores.apiKeys.get(k.key_id))?.status));
    expect(expired).toEqual(['expired', 'expired', 'expired']);
    // The background job may have taken some; together every key was marked exactly once.
    const audited = (await api.deps.audit.list({ action: 'api_key.expire', limit: 100 })).entries.filter((e) => keys.some((k) => k.key_id === e.target));
    expect(audited).toHaveLength(3);
    expect(counts.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(3);
  });

  it('leaves active and revoked keys alone', async () => {
    const active = await api.createKey();
    const revoked = await api.createKey();
    await api.call('POST', `/v1/api-keys/${revoked.key_id}/revoke`, { key: ADMIN_TOKEN });
    clock.advance(100 * 24 * HOUR);
    await expireKeys({ keys: api.deps.stores.apiKeys, audit: api.deps.audit, clock, ids: api.deps.ids });
    expect((await api.deps.stores.apiKeys.get(active.key_id))?.status).toBe('active');
    expect((await api.deps.stores.apiKeys.get(revoked.key_id))?.status).toBe('revoked');
  });
});

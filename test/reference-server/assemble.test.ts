// The composition root's roles: every background job runs in whichever process has its role, so a
// deployment of WORKER_ENABLED=false servers plus `npm run worker` processes still expires keys.
import { afterEach, describe, expect, it } from 'vitest';
import { assemble, serverRoles, workerRoles, type Assembly } from '../../reference-server/src/assemble.js';
import { loadConfig } from '../../reference-server/src/config.js';
import { ManualClock } from '../../reference-server/src/domain/clock.js';
import { ADMIN_TOKEN, sameStore, startTestApi, type TestApi } from '../support/test-api.js';
import { waitFor } from '../support/wait-for.js';

const HOUR = 3_600_000;
const SECRETS_KEY = 'assemble-test-secrets-key-0123456789abcdef';
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe('roles', () => {
  it('gives a server key expiry and the tombstone sweep only with WORKER_ENABLED, and a worker process always', () => {
    const off = loadConfig({ WORKER_ENABLED: 'false' });
    expect(serverRoles(off)).toEqual({ api: true, workers: false, analytics: true, keyExpiry: false, tombstoneSweep: false });
    expect(workerRoles(off)).toEqual({ api: false, workers: true, analytics: true, keyExpiry: true, tombstoneSweep: true });
  });
});

describe('assemble', () => {
  it('marks keys expired from a worker assembly when the servers run no workers', async () => {
    const clock = new ManualClock(Date.parse('2026-06-01T00:00:00Z'));
    const env = { WORKER_ENABLED: 'false', KEY_EXPIRY_INTERVAL_MS: '100' };
    const api: TestApi = await startTestApi(env, { clock, secretsKey: SECRETS_KEY });
    cleanups.push(() => api.close());
    expect(api.keyExpiry).toBeUndefined();
    const key = await api.createKey();
    await api.call('POST', `/v1/api-keys/${key.key_id}/rotate`, { key: ADMIN_TOKEN, body: { transition_days: 1 } });
    clock.advance(25 * HOUR);

    const config = loadConfig({ ...env, ...sameStore(api), NODE_ENV: 'test', LOG_LEVEL: 'silent', ANALYTICS_ENABLED: 'false' });
    const worker: Assembly = await assemble(config, workerRoles(config), { clock, secretsKey: SECRETS_KEY });
    cleanups.push(() => worker.close());
    expect(worker.app).toBeUndefined();
    await waitFor(async () => (await api.deps.stores.apiKeys.get(key.key_id))?.status === 'expired', { timeoutMs: 5_000, message: 'key marked expired by the worker' });
  });
});

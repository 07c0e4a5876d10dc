// API key creation and reading: admin-only creation, secrets shown once, tenant-scoped reads.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestApi, type TestApi } from '../../support/test-api.js';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => api?.close());

describe('api keys', () => {
  it('creates a key with the admin token and shows the secrets once', async () => {
    const res = await api.call('POST', '/v1/api-keys', { key: ADMIN_TOKEN, body: { name: 'ci', tier: 'startup' } });
    expect(res.status).toBe(201);
    expect(res.body.api_key).toMatch(/^tr_[A-Za-z0-9_-]{43}$/);
    expect(res.body.signing_secret).toMatch(/^sk_/);
    expect(res.body).toMatchObject({ name: 'ci', tier: 'startup', status: 'active', version: 1, expires_at: null });
    expect(res.body.key_prefix).toBe(res.body.api_key.slice(0, 10));
    const read = await api.call('GET', `/v1/api-keys/${res.body.key_id}`, { key: ADMIN_TOKEN });
    expect(read.status).toBe(200);
    expect(read.body).not.toHaveProperty('api_key');
    expect(read.body).not.toHaveProperty('signing_secret');
    expect(JSON.stringify(read.body)).not.toContain(res.body.api_key);
    expect(read.body).not.toHaveProperty('key_hash');
  });

  it('stores only the hash and an encrypted signing secret', async () => {
    const created = await api.createKey();
    const stored = await api.deps.stores.apiKeys.get(created.key_id);
    expect(stored?.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(created.api_key);
    expect(JSON.stringify(stored)).not.toContain(created.signing_secret);
    expect(api.deps.secretBox.open(stored!.signing_secret_enc)).toBe(created.signing_secret);
  });

  it('refuses key creation without the admin token', async () => {
    const key = await api.createKey();
    const withKey = await api.call('POST', '/v1/api-keys', { key: key.api_key, body: { name: 'x' } });
    const without = await api.call('POST', '/v1/api-keys', { body: { name: 'x' } });
    expect(withKey.status).toBe(401);
    expect(without.status).toBe(401);
  });

  it('lets a tenant read its own key and hides other tenants\' keys with 404', async () => {
    const a = await api.createKey({ name: 'a' });
    const b = await api.createKey({ name: 'b' });
    expect((await api.call('GET', `/v1/api-keys/${a.key_id}`, { key: a.api_key })).status).toBe(200);
    expect((await api.call('GET', `/v1/api-keys/${a.key_id}`, { key: b.api_key })).status).toBe(404);
  });

  it('adds a key to an existing tenant, which then sees the same events', async () => {
    const first = await api.createKey();
    const second = await api.createKey({ name: 'second', tenant_id: first.tenant_id });
    const created = await api.call('POST', '/v1/events', { key: first.api_key, body: { source: 's', event_type: 't', payload: {} } });
    const read = await api.call('GET', `/v1/events/${created.body.event_id}`, { key: second.api_key });
    expect(read.status).toBe(200);
  });

  it('validates the creation body and names the field', async () => {
    const res = await api.call('POST', '/v1/api-keys', { key: ADMIN_TOKEN, body: { name: 'x', scopes: ['events:fly'] } });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe('body.scopes.0');
  });
});

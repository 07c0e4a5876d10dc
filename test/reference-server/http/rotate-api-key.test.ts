// Key lifecycle end to end on a real server with an injected clock: rotation overlap, exact expiry,
// version listing, revocation, scopes, and the tenant's data following the key across rotations.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../reference-server/src/domain/clock.js';
import { ADMIN_TOKEN, startTestApi, type TestApi } from '../../support/test-api.js';

const DAY = 86_400_000;
const clock = new ManualClock(Date.parse('2026-03-01T00:00:00Z'));
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ WORKER_ENABLED: 'false' }, { clock });
});
afterAll(async () => api?.close());

const inbox = async (key: string) => (await api.call('GET', '/v1/inbox', { key })).status;

describe('key rotation', () => {
  it('keeps both versions working during the transition and refuses the old one the instant it expires', async () => {
    const v1 = await api.createKey();
    const rotated = await api.call('POST', `/v1/api-keys/${v1.key_id}/rotate`, { key: v1.api_key, body: { transition_days: 2 } });
    expect(rotated.status).toBe(201);
    expect(rotated.body).toMatchObject({ version: 2, previous_version: v1.key_id, previous_key_id: v1.key_id, previous_status: 'rotating', tenant_id: v1.tenant_id });
    expect(rotated.body.api_key).not.toBe(v1.api_key);
    expect(rotated.body.signing_secret).not.toBe(v1.signing_secret);
    expect(Date.parse(rotated.body.previous_expires_at)).toBe(clock.now() + 2 * DAY);

    expect(await inbox(v1.api_key)).toBe(200);
    expect(await inbox(rotated.body.api_key)).toBe(200);
    clock.advance(2 * DAY - 1);
    expect(await inbox(v1.api_key)).toBe(200);
    clock.advance(1);
    expect(await inbox(v1.api_key)).toBe(401);
    expect(await inbox(rotated.body.api_key)).toBe(200);
  });

  it('defaults to a seven-day transition and shows the old version as rotating', async () => {
    const v1 = await api.createKey();
    const rotated = await api.call('POST', `/v1/api-keys/${v1.key_id}/rotate`, { key: ADMIN_TOKEN });
    expect(rotated.status).toBe(201);
    expect(Date.parse(rotated.body.previous_expires_at)).toBe(clock.now() + 7 * DAY);
    const old = await api.call('GET', `/v1/api-keys/${v1.key_id}`, { key: rotated.body.api_key });
    expect(old.body).toMatchObject({ status: 'rotating', next_version: rotated.body.key_id });
    expect(old.body).not.toHaveProperty('api_key');
  });

  it('ends the old key at once with zero transition days', async () => {
    const v1 = await api.createKey();
    const rotated = await api.call('POST', `/v1/api-keys/${v1.key_id}/rotate`, { key: ADMIN_TOKEN, body: { transition_days: 0 } });
    expect(rotated.body.previous_status).toBe('expired');
    expect(await inbox(v1.api_key)).toBe(401);
    expect(await inbox(rotated.body.api_key)).toBe(200);
  });

  it('lists every version of a key, paginated, from any of its versions', async () => {
    const v1 = await api.createKey();
    let current = v1.key_id;
    const keys = [v1.api_key];
    for (let i = 0; i < 3; i++) {
      const r = await api.call('POST', `/v1/api-keys/${current}/rotate`, { key: ADMIN_TOKEN, body: { transition_days: 1 } });
      current = r.body.key_id;
      keys.push(r.body.api_key);
    }
    const first = await api.call('GET', `/v1/api-keys/${current}/versions?limit=3`, { key: keys[3] });
    expect(first.status).toBe(200);
    expect(first.body.versions.map((v: { version: number }) => v.version)).toEqual([1, 2, 3]);
    expect(first.body.has_more).toBe(true);
    const second = await api.call('GET', `/v1/api-keys/${v1.key_id}/versions?limit=3&cursor=${first.body.next_cursor}`, { key: ADMIN_TOKEN });
    expect(second.body.versions.map((v: { key_id: string }) => v.key_id)).toEqual([current]);
    expect(second.body).toMatchObject({ has_more: false, next_cursor: null, lineage_id: v1.key_id });
    expect(JSON.stringify([first.body, second.body])).not.toMatch(/tr_[A-Za-z0-9_-]{43}|sk_|key_hash|signing_secret/);
  });

  it('refuses to rotate a version that was already rotated, and lets one of two concurrent rotations win', async () => {
    const v1 = await api.createKey();
    const results = await Promise.all([0, 1, 2].map(() => api.call('POST', `/v1/api-keys/${v1.key_id}/rotate`, { key: ADMIN_TOKEN })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    const versions = await api.call('GET', `/v1/api-keys/${v1.key_id}/versions`, { key: ADMIN_TOKEN });
    expect(versions.body.versions).toHaveLength(2);
    const again = await api.call('POST', `/v1/api-keys/${v1.key_id}/rotate`, { key: ADMIN_TOKEN });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
  });

  it('revokes immediately, idempotently, and a revoked key cannot rotate', async () => {
    const key = await api.createKey();
    expect(await inbox(key.api_key)).toBe(200);
    const revoked = await api.call('POST', `/v1/api-keys/${key.key_id}/revoke`, { key: key.api_key });
    expect(revoked.status).toBe(200);
    expect(revoked.body).toMatchObject({ status: 'revoked' });
    expect(revoked.body.revoked_at).toBe(new Date(clock.now()).toISOString());
    expect(await inbox(key.api_key)).toBe(401);
    expect((await api.call('POST', `/v1/api-keys/${key.key_id}/revoke`, { key: ADMIN_TOKEN })).status).toBe(200);
    expect((await api.call('POST', `/v1/api-keys/${key.key_id}/rotate`, { key: ADMIN_TOKEN })).status).toBe(409);
  });

  it('keeps events with the tenant across rotations', async () => {
    const v1 = await api.createKey();
    const event = await api.call('POST', '/v1/events', { key: v1.api_key, body: { source: 's', event_type: 't', payload: { a: 1 } } });
    const rotated = await api.call('POST', `/v1/api-keys/${v1.key_id}/rotate`, { key: ADMIN_TOKEN, body: { transition_days: 0 } });
    const read = await api.call('GET', `/v1/events/${event.body.event_id}`, { key: rotated.body.api_key });
    expect(read.status).toBe(200);
    expect(read.body.payload).toEqual({ a: 1 });
  });

  it('requires keys:manage for key management and hides other tenants\' keys', async () => {
    const reader = await api.createKey({ name: 'reader', scopes: ['events:read'] });
    const other = await api.createKey();
    const own = await api.call('POST', `/v1/api-keys/${reader.key_id}/rotate`, { key: reader.api_key });
    expect(own.status).toBe(403);
    expect(own.body.error).toMatchObject({ code: 'insufficient_scope', details: { required: 'keys:manage' } });
    expect((await api.call('POST', `/v1/api-keys/${reader.key_id}/revoke`, { key: other.api_key })).status).toBe(404);
    expect((await api.call('GET', `/v1/api-keys/${reader.key_id}/versions`, { key: other.api_key })).status).toBe(404);
    expect((await api.call('POST', '/v1/events', { key: reader.api_key, body: { source: 's', event_type: 't', payload: {} } })).body.error.code).toBe(
      'insufficient_scope',
    );
  });

  it('validates the rotation body', async () => {
    const key = await api.createKey();
    const res = await api.call('POST', `/v1/api-keys/${key.key_id}/rotate`, { key: ADMIN_TOKEN, body: { transition_days: -1 } });
    expect(res.status).toBe(400);
    expect(res.body.error.details[0].field).toBe('body.transition_days');
  });
});

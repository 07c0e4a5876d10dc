// Request signing on a real server: signed requests pass, every tampered part and stale, future or
// replayed signatures get their own 401 code, and the modes behave globally and per key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../reference-server/src/domain/clock.js';
import { signRequest } from '../../../reference-server/src/domain/request-signature.js';
import { ADMIN_TOKEN, sameStore, startTestApi, type CreatedKey, type TestApi } from '../../support/test-api.js';
import { waitFor } from '../../support/wait-for.js';

const clock = new ManualClock(Date.parse('2026-04-01T00:00:00Z'));
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ WORKER_ENABLED: 'false' }, { clock });
});
afterAll(async () => api?.close());

interface Signed {
  method: string;
  target: string;
  body?: string;
  timestamp?: number;
  /** Changes applied to what is sent after signing (tampering). */
  send?: Partial<{ method: string; target: string; body: string; timestamp: string }>;
}

/** Signs a request as a client would, then sends it (optionally altered). */
async function signed(key: CreatedKey, req: Signed) {
  const ts = String(req.timestamp ?? Math.floor(clock.now() / 1000));
  const [path, rawQuery = ''] = req.target.split('?');
  const signature = signRequest(key.signing_secret, { method: req.method, path: path!, rawQuery, timestamp: ts, body: req.body ?? '' });
  return send(key, req, signature, ts);
}

async function send(key: CreatedKey, req: Signed, signature: string, ts: string) {
  const headers: Record<string, string> = { 'x-signature': signature, 'x-signature-timestamp': req.send?.timestamp ?? ts, 'x-signature-version': 'v1' };
  const body = req.send?.body ?? req.body;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return api.call(req.send?.method ?? req.method, req.send?.target ?? req.target, { key: key.api_key, headers, raw: body });
}

const EVENT = '{"source":"shop","event_type":"order.created","payload":{"order":42}}';

describe('request signing', () => {
  it('accepts a signed POST over the raw body bytes and a signed GET with a query', async () => {
    const key = await api.createKey();
    const post = await signed(key, { method: 'POST', target: '/v1/events', body: EVENT });
    expect(post.status).toBe(201);
    const get = await signed(key, { method: 'GET', target: '/v1/inbox?limit=5&source=shop' });
    expect(get.status).toBe(200);
    // Whitespace the JSON parser ignores is still part of what was signed.
    const spaced = await signed(key, { method: 'POST', target: '/v1/events', body: EVENT.replace(':', ' : ') });
    expect(spaced.status).toBe(201);
  });

  it('refuses a tampered method, path, query parameter, timestamp or body with signature_invalid', async () => {
    const key = await api.createKey();
    const cases: Signed[] = [
      { method: 'GET', target: '/v1/inbox?limit=5', send: { method: 'DELETE' } },
      { method: 'GET', target: '/v1/inbox?limit=5', send: { target: '/v1/events?limit=5' } },
      { method: 'GET', target: '/v1/inbox?limit=5&source=shop', send: { target: '/v1/inbox?limit=6&source=shop' } },
      { method: 'GET', target: '/v1/inbox?limit=5&source=shop', send: { target: '/v1/inbox?limit=5&source=shoq' } },
      { method: 'GET', target: '/v1/inbox?limit=5&source=shop', send: { target: '/v1/inbox?limit=5' } },
      { method: 'GET', target: '/v1/inbox?limit=5', send: { target: '/v1/inbox?limit=5&source=x' } },
      { method: 'GET', target: '/v1/inbox', send: { timestamp: String(Math.floor(clock.now() / 1000) - 1) } },
      { method: 'POST', target: '/v1/events', body: EVENT, send: { body: EVENT.replace('42', '43') } },
    ];
    for (const c of cases) {
      const res = await signed(key, c);
      expect(res.status, JSON.stringify(c.send)).toBe(401);
      expect(res.body.error.code, JSON.stringify(c.send)).toBe('signature_invalid');
    }
  });

  it('accepts query parameters in any order and encoding that canonicalise the same', async () => {
    const key = await api.createKey();
    const ts = String(Math.floor(clock.now() / 1000));
    const signature = signRequest(key.signing_secret, { method: 'GET', path: '/v1/inbox', rawQuery: 'source=a%20b&limit=5', timestamp: ts, body: '' });
    const res = await send(key, { method: 'GET', target: '/v1/inbox?limit=5&source=a%20b' }, signature, ts);
    expect(res.status).toBe(200);
  });

  it('refuses stale and future timestamps beyond 300 s with signature_expired', async () => {
    const key = await api.createKey();
    const now = Math.floor(clock.now() / 1000);
    for (const timestamp of [now - 301, now + 301]) {
      const res = await signed(key, { method: 'GET', target: '/v1/inbox', timestamp });
      expect(res.body.error.code).toBe('signature_expired');
    }
    expect((await signed(key, { method: 'GET', target: '/v1/inbox', timestamp: now - 299 })).status).toBe(200);
  });

  it('refuses a replayed signature with signature_replayed, on another server instance too', async () => {
    const key = await api.createKey();
    const ts = String(Math.floor(clock.now() / 1000));
    const signature = signRequest(key.signing_secret, { method: 'POST', path: '/v1/events', rawQuery: '', timestamp: ts, body: EVENT });
    expect((await send(key, { method: 'POST', target: '/v1/events', body: EVENT }, signature, ts)).status).toBe(201);
    const replay = await send(key, { method: 'POST', target: '/v1/events', body: EVENT }, signature, ts);
    expect(replay.status).toBe(401);
    expect(replay.body.error.code).toBe('signature_replayed');
    const second = await startTestApi({ ...sameStore(api), WORKER_ENABLED: 'false' }, { clock });
    try {
      const res = await fetch(`${second.url}/v1/events`, {
        method: 'POST',
        body: EVENT,
        headers: { authorization: `Bearer ${key.api_key}`, 'content-type': 'application/json', 'x-signature': signature, 'x-signature-timestamp': ts },
      });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('signature_replayed');
    } finally {
      await second.close();
    }
  });

  it('accepts identical requests in one second when each carries its own nonce, and refuses a repeated nonce', async () => {
    const key = await api.createKey();
    const ts = String(Math.floor(clock.now() / 1000));
    const withNonce = (nonce: string) => {
      const signature = signRequest(key.signing_secret, { method: 'GET', path: '/v1/inbox', rawQuery: 'limit=1', timestamp: ts, body: '', nonce });
      return api.call('GET', '/v1/inbox?limit=1', { key: key.api_key, headers: { 'x-signature': signature, 'x-signature-timestamp': ts, 'x-signature-nonce': nonce } });
    };
    expect((await withNonce('first-nonce-0001')).status).toBe(200);
    expect((await withNonce('second-nonce-002')).status).toBe(200);
    const again = await withNonce('first-nonce-0001');
    expect(again.status).toBe(401);
    expect(again.body.error.code).toBe('signature_replayed');
    const odd = await withNonce('not a nonce');
    expect(odd.status).toBe(401);
    expect(odd.body.error).toMatchObject({ code: 'signature_invalid', message: 'X-Signature-Nonce must be 8–64 characters of A–Z a–z 0–9 - _' });
  });

  it('audits signature failures once a minute per key and code, without the signature', async () => {
    const key = await api.createKey();
    const bad = { 'x-signature': 'AAAA', 'x-signature-timestamp': String(Math.floor(clock.now() / 1000)) };
    for (let i = 0; i < 3; i++) await api.call('GET', '/v1/inbox', { key: key.api_key, headers: bad });
    const entries = await waitFor(async () => {
      const page = await api.deps.audit.list({ action: 'auth.signature_failure', limit: 50 });
      const mine = page.entries.filter((e) => e.tenant_id === key.tenant_id);
      return mine.length ? mine : undefined;
    });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ actor: `key:${key.key_id}`, details: { code: 'signature_invalid', path: '/v1/inbox' } });
  });

  it('lets unsigned requests through in optional mode and refuses half-signed ones', async () => {
    const key = await api.createKey();
    expect((await api.call('GET', '/v1/inbox', { key: key.api_key })).status).toBe(200);
    const half = await api.call('GET', '/v1/inbox', { key: key.api_key, headers: { 'x-signature': 'abc' } });
    expect(half.body.error.code).toBe('signature_missing');
    const badVersion = await api.call('GET', '/v1/inbox', { key: key.api_key, headers: { 'x-signature': 'abc', 'x-signature-timestamp': '1', 'x-signature-version': 'v2' } });
    expect(badVersion.body.error.code).toBe('signature_invalid');
  });

  it('refuses unsigned requests from a key created with signing required, and ignores signatures for a key set to off', async () => {
    const strict = await api.createKey({ name: 'strict', signing_mode: 'required' });
    const res = await api.call('GET', '/v1/inbox', { key: strict.api_key });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('signature_missing');
    expect((await signed(strict, { method: 'GET', target: '/v1/inbox' })).status).toBe(200);
    const lax = await api.createKey({ name: 'lax', signing_mode: 'off' });
    expect((await api.call('GET', '/v1/inbox', { key: lax.api_key, headers: { 'x-signature': 'junk', 'x-signature-timestamp': '1' } })).status).toBe(200);
  });

  it('requires signatures from every key when SIGNING_MODE=required, except on health and metrics', async () => {
    const strictApi = await startTestApi({ SIGNING_MODE: 'required', WORKER_ENABLED: 'false' }, { clock });
    try {
      const created = await strictApi.call('POST', '/v1/api-keys', { key: ADMIN_TOKEN, body: { name: 'k' } });
      const res = await strictApi.call('GET', '/v1/inbox', { key: created.body.api_key });
      expect(res.body.error.code).toBe('signature_missing');
      expect((await strictApi.call('GET', '/health/live')).status).toBe(200);
      expect((await strictApi.call('GET', '/metrics')).status).toBe(200);
    } finally {
      await strictApi.close();
    }
  });
});

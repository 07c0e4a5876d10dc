// Fuzzes every route with generated methods, paths, ids, headers, query strings and bodies. The
// server must never answer 5xx, must always use the JSON error shape with a code, and must leave
// everything another tenant had accepted exactly as it was.
import fc from 'fast-check';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestApi, type CreatedKey, type TestApi } from '../../support/test-api.js';
import { propertyParams } from '../../support/property-seed.js';

let api: TestApi;
let victim: CreatedKey;
let fuzzer: CreatedKey;
const victimEvents: unknown[] = [];

beforeAll(async () => {
  api = await startTestApi();
  victim = await api.createKey({ name: 'victim' });
  fuzzer = await api.createKey({ name: 'fuzzer' });
  for (let i = 0; i < 5; i++) {
    const res = await api.call('POST', '/v1/events', { key: victim.api_key, body: { source: 'v', event_type: 'v.e', payload: { i } } });
    victimEvents.push(res.body);
  }
});
afterAll(async () => api?.close());

/** Request generators; built after setup because they draw on the victim's real event ids. */
function arbitraries() {
  const victimId = () => fc.constantFrom(...victimEvents.map((e) => (e as { event_id: string }).event_id));
  const segment = fc.oneof(
    fc.string({ maxLength: 40 }).map(encodeURIComponent),
    fc.constantFrom('%zz', '%', '..', '.', 'evt_', 'evt_01abcdefghjkmnpqrstvwxyz0', '%00', '%F0%9F%92%A9'),
  );
  const id = fc.oneof(victimId(), segment, fc.constantFrom('key_01abcdefghjkmnpqrstvwxyz0'));
  const path = fc.oneof(
    fc.constantFrom('/v1/events', '/v1/inbox', '/v1/api-keys', '/health', '/health/ready', '/metrics', '/', '/v1', '/v1/'),
    id.map((i) => `/v1/events/${i}`),
    id.map((i) => `/v1/events/${i}/ack`),
    id.map((i) => `/v1/api-keys/${i}`),
    fc.array(segment, { maxLength: 4 }).map((s) => `/${s.join('/')}`),
  );
  const query = fc
    .array(
      fc.tuple(
        fc.oneof(fc.constantFrom('limit', 'cursor', 'source', 'event_type', 'limit[]', 'x'), fc.string({ maxLength: 10 })),
        fc.oneof(fc.string({ maxLength: 30 }), fc.constantFrom('0', '-1', '101', '1e3', 'NaN', 'eyJhZnRlciI6MX0', '')),
      ),
      { maxLength: 4 },
    )
    .map((pairs) => (pairs.length ? '?' + pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&') : ''));
  const body = fc.oneof(
    fc.constant(undefined),
    fc.json({ maxDepth: 3 }),
    fc.string({ maxLength: 200 }),
    fc.record({ source: fc.anything(), event_type: fc.anything(), payload: fc.anything() }).map((v) => JSON.stringify(v)),
    fc.record({ name: fc.anything(), scopes: fc.anything(), tier: fc.anything() }).map((v) => JSON.stringify(v)),
  );
  const auth = fc.constantFrom<Record<string, string>>(
    {},
    { authorization: `Bearer FUZZER` },
    { 'x-api-key': 'FUZZER' },
    { authorization: 'Bearer ' },
    { authorization: 'Basic Zm9vOmJhcg==' },
    { authorization: `Bearer ${ADMIN_TOKEN}` },
    { 'x-api-key': 'tr_' + 'x'.repeat(43) },
  );
  const extraHeaders = fc.record(
    {
      'content-type': fc.constantFrom('application/json', 'text/plain', 'application/json; charset=latin1', 'application/x-www-form-urlencoded', 'multipart/form-data'),
      'idempotency-key': fc.oneof(fc.string({ maxLength: 300 }).filter((s) => /^[\x20-\x7e]*$/.test(s)), fc.constant('dup')),
      'x-request-id': fc.string({ maxLength: 200 }).filter((s) => /^[\x20-\x7e]*$/.test(s)),
    },
    { requiredKeys: [] },
  );
  return { path, query, auth, extraHeaders, body };
}

describe('fuzzing every route', () => {
  it('never answers 5xx, always with a JSON error code, and leaves accepted data untouched', async () => {
    const params = propertyParams('fuzzing every route', 300);
    const { path, query, auth, extraHeaders, body } = arbitraries();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'),
        path,
        query,
        auth,
        extraHeaders,
        body,
        async (method, p, q, a, h, b) => {
          const headers: Record<string, string> = { ...h };
          for (const [k, v] of Object.entries(a)) headers[k] = v.replace('FUZZER', fuzzer.api_key);
          const res = await request(api.url + p + q, {
            method: method as 'GET',
            headers,
            body: method === 'GET' || method === 'HEAD' ? undefined : b,
          });
          const text = await res.body.text();
          expect(res.statusCode, `${method} ${p}${q} → ${res.statusCode} ${text}`).toBeLessThan(500);
          if (res.statusCode >= 400 && method !== 'HEAD') {
            const parsed = JSON.parse(text) as { error: { code: string; request_id: string } };
            expect(parsed.error.code).toMatch(/^[a-z_]+$/);
            expect(parsed.error.request_id).toBe(res.headers['x-request-id']);
          }
        },
      ),
      params,
    );
    for (const original of victimEvents) {
      const id = (original as { event_id: string }).event_id;
      const now = await api.call('GET', `/v1/events/${id}`, { key: victim.api_key });
      expect(now.body).toEqual(original);
    }
  }, 120_000);
});

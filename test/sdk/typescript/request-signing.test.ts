// The SDK's request signing reproduces docs/SECURITY.md's test vector exactly, and the server accepts
// what it signs (including awkward query strings) while refusing a tampered signature.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TriggersApiClient, UnauthorizedError, canonicalQuery, newSignatureNonce, signRequest, signatureHeaders } from '../../../sdk/typescript/src/index.js';
import { startTestApi, type CreatedKey, type TestApi } from '../../support/test-api.js';

const vector = {
  secret: 'sk_test_vector_secret_0123456789abcdefghijklmnop',
  rawQuery: 'source=shop&limit=10&tag=b&tag=a%20b&note=caf%C3%A9%21',
  body: '{"source":"shop","event_type":"order.created","payload":{"order":42}}',
};

it('reproduces the documented canonical query and signature', () => {
  expect(canonicalQuery(vector.rawQuery)).toBe('limit=10&note=caf%C3%A9%21&source=shop&tag=a%20b&tag=b');
  const signature = signRequest(vector.secret, { method: 'post', path: '/v1/events', rawQuery: vector.rawQuery, timestamp: 1767225600, body: vector.body });
  expect(signature).toBe('EKqo6y1bIPWsdGTUiGun7WJLsfpxGWaSG5jBiBbJwAQ=');
});

it('reproduces the documented signature with a nonce, signed as a sixth line', () => {
  const signature = signRequest(vector.secret, { method: 'POST', path: '/v1/events', rawQuery: vector.rawQuery, timestamp: 1767225600, body: vector.body, nonce: 'n0nce_0123456789-abcdef' });
  expect(signature).toBe('fsdowWAHlCF8pT5YVh7cDFC7dZWTNYzJG8C/JQH11vg=');
  expect(newSignatureNonce()).toMatch(/^[A-Za-z0-9_-]{22}$/);
  expect(newSignatureNonce()).not.toBe(newSignatureNonce());
});

it('keeps a plus literal, a bare name as name=, and a malformed escape as sent', () => {
  expect(canonicalQuery('b=1+2&a&c=%zz&a-b=0')).toBe('a=&a-b=0&b=1%2B2&c=%25zz');
});

it('builds the signature headers, with X-Signature-Nonce when there is a nonce', () => {
  const request = { method: 'POST', path: '/v1/events', rawQuery: vector.rawQuery, timestamp: 1767225600, body: vector.body };
  expect(signatureHeaders(vector.secret, request)).toEqual({ 'x-signature-timestamp': '1767225600', 'x-signature': 'EKqo6y1bIPWsdGTUiGun7WJLsfpxGWaSG5jBiBbJwAQ=', 'x-signature-version': 'v1' });
  expect(signatureHeaders(vector.secret, { ...request, nonce: 'n0nce_0123456789-abcdef' })).toEqual({
    'x-signature-timestamp': '1767225600',
    'x-signature': 'fsdowWAHlCF8pT5YVh7cDFC7dZWTNYzJG8C/JQH11vg=',
    'x-signature-version': 'v1',
    'x-signature-nonce': 'n0nce_0123456789-abcdef',
  });
});

let api: TestApi;
let key: CreatedKey;
beforeAll(async () => {
  api = await startTestApi({ WORKER_ENABLED: 'false', ANALYTICS_ENABLED: 'false' });
  key = await api.createKey({ name: 'signed', signing_mode: 'required' });
});
afterAll(async () => {
  await api?.close();
});

it('is accepted by a server that requires signing, for bodies and for queries with spaces, pluses and unicode', async () => {
  const client = new TriggersApiClient({ apiKey: key.api_key, baseUrl: api.url, signingSecret: key.signing_secret });
  const source = 'café shop + more';
  const event = await client.events.create({ source, event_type: 'order.created', payload: { order: 1 } });
  const page = await client.events.inboxPage({ source, limit: 5 });
  expect(page.events.map((e) => e.event_id)).toEqual([event.event_id]);
});

it('signs each attempt afresh, so a retry in the same second is not refused as a replay', async () => {
  let calls = 0;
  const frozen = Date.now();
  const client = new TriggersApiClient({
    apiKey: key.api_key,
    baseUrl: api.url,
    signingSecret: key.signing_secret,
    sleep: async () => {},
    // The first answer is dropped after the server accepted the signature; the retry must sign anew.
    fetch: async (input, init) => {
      const res = await fetch(input, init);
      if (++calls === 1) throw new TypeError('fetch failed', { cause: new Error('socket hang up') });
      return res;
    },
    // One second for every attempt: only the nonce tells the retry from the first attempt.
    now: () => frozen,
  });
  const event = await client.events.create({ source: 'resign', event_type: 'x', payload: {} });
  expect(calls).toBe(2);
  expect(event.source).toBe('resign');
});

it('sends identical requests in one second, each accepted; the same signed request sent twice is refused', async () => {
  const frozen = Date.now();
  const sent: { url: string; headers: Record<string, string> }[] = [];
  const client = new TriggersApiClient({
    apiKey: key.api_key,
    baseUrl: api.url,
    signingSecret: key.signing_secret,
    now: () => frozen,
    fetch: async (input, init) => {
      sent.push({ url: String(input), headers: { ...(init?.headers as Record<string, string>) } });
      return fetch(input, init);
    },
  });
  const event = await client.events.create({ source: 'poll', event_type: 'x', payload: {} });
  for (let i = 0; i < 3; i++) expect((await client.events.get(event.event_id)).event_id).toBe(event.event_id);
  expect(new Set(sent.map((s) => s.headers['x-signature-timestamp'])).size).toBe(1);
  // A replay of the last request, headers and all, is still refused.
  const last = sent.at(-1)!;
  const replay = await fetch(last.url, { headers: last.headers });
  expect(replay.status).toBe(401);
  expect(((await replay.json()) as { error: { code: string } }).error.code).toBe('signature_replayed');
});

it('fails with the server\'s signature code when the secret is wrong', async () => {
  const client = new TriggersApiClient({ apiKey: key.api_key, baseUrl: api.url, signingSecret: 'sk_wrong' });
  const err = await client.events.inboxPage().catch((e: unknown) => e);
  expect(err).toBeInstanceOf(UnauthorizedError);
  expect(err).toMatchObject({ status: 401, code: 'signature_invalid' });
});

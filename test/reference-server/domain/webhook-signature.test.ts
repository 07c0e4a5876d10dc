// Webhook signing and verification: both header schemes, the `standardwebhooks` package as an
// independent verifier, a manual HMAC check as a receiver would write it, tampering and tolerance.
import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { seededBytes } from '../../support/seeded-bytes.js';
import {
  generateWebhookSecret,
  parseWebhookSecret,
  signWebhook,
  verifyWebhook,
} from '../../../reference-server/src/domain/webhook-signature.js';

const secret = generateWebhookSecret(seededBytes(7));
const other = generateWebhookSecret(seededBytes(8));
const body = JSON.stringify({ event_id: 'evt_1', event_type: 'order.created', payload: { total: 12.5, note: 'ünïcode' } });
// Standard Webhooks checks the timestamp against the wall clock, so signatures it verifies use it.
const now = Math.floor(Date.now() / 1000);
const sign = (over: Partial<Parameters<typeof signWebhook>[0]> = {}) =>
  signWebhook({ secret, webhookId: 'msg_1', timestampSeconds: now, body, ...over });

describe('webhook signature', () => {
  it('generates whsec_ secrets of 32 bytes that parse back to the same key', () => {
    const bytes = seededBytes(3)(32);
    const generated = generateWebhookSecret(() => bytes);
    expect(generated).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(parseWebhookSecret(generated)!)).toEqual(Buffer.from(bytes));
  });

  it('rejects secrets without the prefix, with bad base64 or with a key outside 24-64 bytes', () => {
    const b64 = (n: number) => Buffer.alloc(n, 1).toString('base64');
    expect(parseWebhookSecret(b64(32))).toBeUndefined();
    expect(parseWebhookSecret('whsec_')).toBeUndefined();
    expect(parseWebhookSecret('whsec_not base64!')).toBeUndefined();
    expect(parseWebhookSecret('whsec_' + b64(32).replace(/=+$/, ''))).toBeUndefined();
    expect(parseWebhookSecret('whsec_' + b64(23))).toBeUndefined();
    expect(parseWebhookSecret('whsec_' + b64(65))).toBeUndefined();
    expect(parseWebhookSecret('whsec_' + b64(24))).toHaveLength(24);
    expect(parseWebhookSecret('whsec_' + b64(64))).toHaveLength(64);
  });

  it('returns exactly the six signature headers with the id and timestamp in both schemes', () => {
    const headers = sign({ webhookId: 'msg_abc', timestampSeconds: 1_700_000_000 });
    expect(Object.keys(headers).sort()).toEqual(
      ['X-Webhook-Id', 'X-Webhook-Signature', 'X-Webhook-Timestamp', 'webhook-id', 'webhook-signature', 'webhook-timestamp'].sort(),
    );
    expect(headers).toMatchObject({ 'X-Webhook-Id': 'msg_abc', 'webhook-id': 'msg_abc', 'X-Webhook-Timestamp': '1700000000', 'webhook-timestamp': '1700000000' });
    expect(headers['X-Webhook-Signature']).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
  });

  it('is verified by the standardwebhooks package', () => {
    const headers = sign();
    expect(new Webhook(secret).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(other).verify(body, headers)).toThrow(/No matching signature/);
    expect(() => new Webhook(secret).verify(body + ' ', headers)).toThrow(/No matching signature/);
  });

  it('matches a manual HMAC check of X-Webhook-Signature as documented in docs/WEBHOOKS.md', () => {
    const headers = sign();
    // Receiver side: key = base64-decoded secret after `whsec_`; message = "{timestamp}.{raw body}".
    const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
    const expected = createHmac('sha256', key).update(`${headers['X-Webhook-Timestamp']}.${body}`).digest('hex');
    expect(headers['X-Webhook-Signature']).toBe(`v1=${expected}`);
    const standard = createHmac('sha256', key).update(`msg_1.${now}.${body}`).digest('base64');
    expect(headers['webhook-signature']).toBe(`v1,${standard}`);
  });

  it('verifies its own signatures in both schemes, with headers in any case', () => {
    const headers = sign();
    const lower = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
    expect(verifyWebhook({ secret, headers, body, nowSeconds: now })).toEqual({ ok: true });
    expect(verifyWebhook({ secret, headers: lower, body: Buffer.from(body), nowSeconds: now })).toEqual({ ok: true });
    const legacyOnly = { 'x-webhook-timestamp': headers['X-Webhook-Timestamp'], 'x-webhook-signature': headers['X-Webhook-Signature'] };
    expect(verifyWebhook({ secret, headers: legacyOnly, body, nowSeconds: now })).toEqual({ ok: true });
  });

  it('refuses a tampered body, timestamp or id, and a different secret', () => {
    const headers = sign();
    const bad = { ok: false, reason: 'invalid_signature' };
    expect(verifyWebhook({ secret, headers, body: body.replace('12.5', '125'), nowSeconds: now })).toEqual(bad);
    expect(verifyWebhook({ secret, headers: { ...headers, 'webhook-timestamp': String(now - 1) }, body, nowSeconds: now })).toEqual(bad);
    expect(verifyWebhook({ secret, headers: { ...headers, 'webhook-id': 'msg_2' }, body, nowSeconds: now })).toEqual(bad);
    expect(verifyWebhook({ secret: other, headers, body, nowSeconds: now })).toEqual(bad);
    const legacy = { 'X-Webhook-Timestamp': String(now + 1), 'X-Webhook-Signature': headers['X-Webhook-Signature'] };
    expect(verifyWebhook({ secret, headers: legacy, body, nowSeconds: now })).toEqual(bad);
  });

  it('accepts timestamps within the tolerance either way and names the side it refuses', () => {
    const headers = sign({ timestampSeconds: 1_000_000 });
    const at = (nowSeconds: number, toleranceSeconds?: number) =>
      verifyWebhook({ secret, headers, body, nowSeconds, toleranceSeconds });
    expect(at(1_000_300)).toEqual({ ok: true });
    expect(at(999_700)).toEqual({ ok: true });
    expect(at(1_000_301)).toEqual({ ok: false, reason: 'timestamp_too_old' });
    expect(at(999_699)).toEqual({ ok: false, reason: 'timestamp_too_new' });
    expect(at(1_000_011, 10)).toEqual({ ok: false, reason: 'timestamp_too_old' });
    expect(at(1_000_010, 10)).toEqual({ ok: true });
  });

  it('accepts any one valid signature among several, as during secret rotation', () => {
    const headers = sign();
    const old = signWebhook({ secret: other, webhookId: 'msg_1', timestampSeconds: now, body })['webhook-signature'];
    const rotated = { ...headers, 'webhook-signature': `v2,zzz ${old} ${headers['webhook-signature']}` };
    expect(verifyWebhook({ secret, headers: rotated, body, nowSeconds: now })).toEqual({ ok: true });
    expect(verifyWebhook({ secret: other, headers: rotated, body, nowSeconds: now })).toEqual({ ok: true });
    expect(new Webhook(secret).verify(body, rotated)).toEqual(JSON.parse(body));
    const third = generateWebhookSecret(seededBytes(9));
    expect(verifyWebhook({ secret: third, headers: rotated, body, nowSeconds: now })).toEqual({ ok: false, reason: 'invalid_signature' });
  });

  it('reports missing or malformed headers and a bad secret as reasons', () => {
    const headers = sign();
    const { 'webhook-id': _id, ...noId } = headers;
    expect(verifyWebhook({ secret, headers: noId, body, nowSeconds: now })).toEqual({ ok: false, reason: 'missing_headers' });
    expect(verifyWebhook({ secret, headers: {}, body, nowSeconds: now })).toEqual({ ok: false, reason: 'missing_headers' });
    const garbled = { ...headers, 'webhook-timestamp': 'soon' };
    expect(verifyWebhook({ secret, headers: garbled, body, nowSeconds: now })).toEqual({ ok: false, reason: 'missing_headers' });
    expect(verifyWebhook({ secret: 'whsec_short', headers, body, nowSeconds: now })).toEqual({ ok: false, reason: 'bad_secret' });
  });

  it('refuses to sign with a secret that does not parse', () => {
    expect(() => signWebhook({ secret: 'plain', webhookId: 'm', timestampSeconds: now, body })).toThrow(TypeError);
  });

  it('signs with each secret its own key when signings for several webhooks interleave', () => {
    // Keys are parsed once per secret and kept: a key kept under the wrong secret would sign for another webhook.
    const secrets = [secret, other, generateWebhookSecret(seededBytes(9)), secret, other];
    for (const [i, s] of secrets.entries()) {
      const headers = signWebhook({ secret: s, webhookId: `msg_${i}`, timestampSeconds: now, body });
      expect(verifyWebhook({ secret: s, headers, body, nowSeconds: now })).toEqual({ ok: true });
      for (const wrong of secrets.filter((x) => x !== s)) {
        expect(verifyWebhook({ secret: wrong, headers, body, nowSeconds: now })).toEqual({ ok: false, reason: 'invalid_signature' });
      }
    }
    expect(() => signWebhook({ secret: 'whsec_short', webhookId: 'm', timestampSeconds: now, body })).toThrow(TypeError);
  });

  it('signs a body given as bytes exactly as the same body given as text', () => {
    const bytes = new TextEncoder().encode(body);
    expect(signWebhook({ secret, webhookId: 'msg_1', timestampSeconds: now, body: bytes })).toEqual(sign());
  });
});

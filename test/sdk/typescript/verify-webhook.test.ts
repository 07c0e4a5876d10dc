// verifyWebhook on the receiving side: both header families, several signatures during a secret
// rotation, the injected clock's tolerance, and a value (never an exception) for every refusal.
import { createHmac } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { expect, it } from 'vitest';
import { verifyWebhook } from '../../../sdk/typescript/src/index.js';

const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
const other = `whsec_${Buffer.alloc(32, 9).toString('base64')}`;
const body = '{"type":"order.created","delivery_id":"dlv_1","data":{"event_id":"evt_1"}}';
const ts = 1_800_000_000;
const nowMs = ts * 1000;

// Independent signers: the standardwebhooks package for webhook-*, node:crypto for X-Webhook-*.
const standard = (s: string, id = 'dlv_1', t = ts) => ({ 'webhook-id': id, 'webhook-timestamp': String(t), 'webhook-signature': new Webhook(s).sign(id, new Date(t * 1000), body) });
const ours = (s: string, t = ts, signed = body) => ({
  'X-Webhook-Id': 'dlv_1',
  'X-Webhook-Timestamp': String(t),
  'X-Webhook-Signature': `v1=${createHmac('sha256', Buffer.from(s.slice(6), 'base64')).update(`${t}.${signed}`).digest('hex')}`,
});

it('accepts the Standard Webhooks headers and returns the delivery id', () => {
  expect(verifyWebhook(secret, body, standard(secret), { nowMs })).toEqual({ ok: true, webhookId: 'dlv_1' });
});

it('accepts the X-Webhook-* headers in any case, from a Buffer body or a Headers object', () => {
  expect(verifyWebhook(secret, Buffer.from(body), ours(secret), { nowMs })).toEqual({ ok: true, webhookId: 'dlv_1' });
  expect(verifyWebhook(secret, body, new Headers(ours(secret)), { nowMs }).ok).toBe(true);
});

it('returns the signed delivery_id with X-Webhook-*, whose signature does not cover X-Webhook-Id', () => {
  const { 'X-Webhook-Id': _, ...withoutId } = ours(secret);
  expect(verifyWebhook(secret, body, withoutId, { nowMs })).toEqual({ ok: true, webhookId: 'dlv_1' });
  // A replay that swaps the unsigned id header is refused, not counted as a new delivery.
  expect(verifyWebhook(secret, body, { ...ours(secret), 'X-Webhook-Id': 'dlv_2' }, { nowMs })).toEqual({ ok: false, reason: 'invalid_signature' });
  const noId = '{"type":"order.created"}';
  expect(verifyWebhook(secret, noId, ours(secret, ts, noId), { nowMs })).toEqual({ ok: false, reason: 'missing_headers' });
});

it('accepts any one of several signatures (secret rotation)', () => {
  const headers = standard(secret);
  headers['webhook-signature'] = `${standard(other)['webhook-signature']} ${headers['webhook-signature']}`;
  expect(verifyWebhook(secret, body, headers, { nowMs }).ok).toBe(true);
});

it('refuses a changed body, another secret and a missing header with a reason', () => {
  expect(verifyWebhook(secret, body.replace('evt_1', 'evt_2'), standard(secret), { nowMs })).toEqual({ ok: false, reason: 'invalid_signature' });
  expect(verifyWebhook(other, body, ours(secret), { nowMs })).toEqual({ ok: false, reason: 'invalid_signature' });
  expect(verifyWebhook(secret, body, { 'webhook-signature': 'v1,x', 'webhook-timestamp': String(ts) }, { nowMs })).toEqual({ ok: false, reason: 'missing_headers' });
  expect(verifyWebhook(secret, body, {}, { nowMs })).toEqual({ ok: false, reason: 'missing_headers' });
});

it('refuses timestamps beyond the tolerance either way, by the injected clock', () => {
  expect(verifyWebhook(secret, body, standard(secret, 'dlv_1', ts - 301), { nowMs }).ok).toBe(false);
  expect(verifyWebhook(secret, body, standard(secret, 'dlv_1', ts - 301), { nowMs })).toEqual({ ok: false, reason: 'timestamp_too_old' });
  expect(verifyWebhook(secret, body, ours(secret, ts + 301), { nowMs })).toEqual({ ok: false, reason: 'timestamp_too_new' });
  expect(verifyWebhook(secret, body, ours(secret, ts + 300), { nowMs }).ok).toBe(true);
  expect(verifyWebhook(secret, body, ours(secret, ts + 60), { nowMs, toleranceSeconds: 30 })).toEqual({ ok: false, reason: 'timestamp_too_new' });
});

it('refuses a secret that is not whsec_ and base64 of 24-64 bytes', () => {
  expect(verifyWebhook('whsec_short', body, standard(secret), { nowMs })).toEqual({ ok: false, reason: 'bad_secret' });
  expect(verifyWebhook('sk_not_a_webhook_secret', body, standard(secret), { nowMs })).toEqual({ ok: false, reason: 'bad_secret' });
});

// Property: for any body, id, timestamp and secret, a signature verifies (ours and the
// standardwebhooks package), and changing any single byte of the body breaks it.
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateWebhookSecret, signWebhook, verifyWebhook } from '../../../reference-server/src/domain/webhook-signature.js';
import { propertyParams } from '../../support/property-seed.js';

const secretArb = fc.uint8Array({ minLength: 24, maxLength: 64 }).map((key) => 'whsec_' + Buffer.from(key).toString('base64'));
const idArb = fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/);
const timestampArb = fc.integer({ min: 0, max: 4_102_444_800 });

describe('webhook signature properties', () => {
  it('sign then verify succeeds and any single-byte body change fails', () => {
    fc.assert(
      fc.property(secretArb, idArb, timestampArb, fc.uint8Array({ minLength: 1, maxLength: 512 }), fc.nat(), fc.integer({ min: 1, max: 255 }),
        (secret, webhookId, timestampSeconds, body, where, delta) => {
          const headers = signWebhook({ secret, webhookId, timestampSeconds, body });
          expect(verifyWebhook({ secret, headers, body, nowSeconds: timestampSeconds })).toEqual({ ok: true });
          const tampered = Uint8Array.from(body);
          const i = where % body.length;
          tampered[i] = ((tampered[i] as number) + delta) % 256;
          expect(verifyWebhook({ secret, headers, body: tampered, nowSeconds: timestampSeconds })).toEqual({ ok: false, reason: 'invalid_signature' });
          const legacy = { 'X-Webhook-Timestamp': headers['X-Webhook-Timestamp'], 'X-Webhook-Signature': headers['X-Webhook-Signature'] };
          expect(verifyWebhook({ secret, headers: legacy, body: tampered, nowSeconds: timestampSeconds })).toEqual({ ok: false, reason: 'invalid_signature' });
        }),
      propertyParams('sign then verify succeeds and any single-byte body change fails', 300),
    );
  });

  it('text bodies signed now verify with the standardwebhooks package', () => {
    const now = Math.floor(Date.now() / 1000);
    fc.assert(
      fc.property(secretArb, idArb, fc.string({ unit: 'grapheme', maxLength: 200 }), (secret, webhookId, body) => {
        const headers = signWebhook({ secret, webhookId, timestampSeconds: now, body });
        expect(() => new Webhook(secret).verify(body, headers, { jsonParse: false })).not.toThrow();
        expect(verifyWebhook({ secret, headers, body, nowSeconds: now })).toEqual({ ok: true });
      }),
      propertyParams('text bodies signed now verify with the standardwebhooks package', 200),
    );
  });

  it('generated secrets always sign verifiably', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (bytes) => {
        const secret = generateWebhookSecret(() => bytes);
        const headers = signWebhook({ secret, webhookId: 'msg', timestampSeconds: 5, body: '{}' });
        expect(verifyWebhook({ secret, headers, body: '{}', nowSeconds: 5 })).toEqual({ ok: true });
      }),
      propertyParams('generated secrets always sign verifiably', 100),
    );
  });
});

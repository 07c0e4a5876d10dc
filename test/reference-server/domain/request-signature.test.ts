// The request-signing rules: the published test vector, canonical queries, and each refusal reason.
import { describe, expect, it } from 'vitest';
import {
  canonicalQuery,
  signRequest,
  stringToSign,
  verifyRequestSignature,
  type SignedRequest,
} from '../../../reference-server/src/domain/request-signature.js';

// The test vector published in docs/SECURITY.md (checked independently with `openssl dgst -sha256 -hmac`).
const VECTOR = {
  secret: 'sk_test_vector_secret_0123456789abcdefghijklmnop',
  request: {
    method: 'POST',
    path: '/v1/events',
    rawQuery: 'source=shop&limit=10&tag=b&tag=a%20b&note=caf%C3%A9%21',
    timestamp: '1767225600',
    body: '{"source":"shop","event_type":"order.created","payload":{"order":42}}',
  } satisfies SignedRequest,
  stringToSign:
    'POST\n/v1/events\nlimit=10&note=caf%C3%A9%21&source=shop&tag=a%20b&tag=b\n1767225600\nd34150684e01ea03c1f23eb6a0a7abfbbc089dad7c17ce9263d5dbe5d1a9f046',
  signature: 'EKqo6y1bIPWsdGTUiGun7WJLsfpxGWaSG5jBiBbJwAQ=',
};
const NOW = 1767225600 * 1000;

describe('request signature', () => {
  it('reproduces the published test vector', () => {
    expect(stringToSign(VECTOR.request)).toBe(VECTOR.stringToSign);
    expect(signRequest(VECTOR.secret, VECTOR.request)).toBe(VECTOR.signature);
    expect(verifyRequestSignature(VECTOR.secret, VECTOR.request, VECTOR.signature, NOW)).toBe('ok');
  });

  it('reproduces the published test vector with a nonce, which is signed as a sixth line', () => {
    const request = { ...VECTOR.request, nonce: 'n0nce_0123456789-abcdef' };
    expect(stringToSign(request)).toBe(`${VECTOR.stringToSign}\nn0nce_0123456789-abcdef`);
    expect(signRequest(VECTOR.secret, request)).toBe('fsdowWAHlCF8pT5YVh7cDFC7dZWTNYzJG8C/JQH11vg=');
    expect(verifyRequestSignature(VECTOR.secret, request, 'fsdowWAHlCF8pT5YVh7cDFC7dZWTNYzJG8C/JQH11vg=', NOW)).toBe('ok');
    // The nonce is covered: another nonce, or none, does not verify; nor does one outside 8–64 of A–Z a–z 0–9 - _.
    expect(verifyRequestSignature(VECTOR.secret, { ...request, nonce: 'n0nce_0123456789-abcdeF' }, 'fsdowWAHlCF8pT5YVh7cDFC7dZWTNYzJG8C/JQH11vg=', NOW)).toBe('signature_invalid');
    expect(verifyRequestSignature(VECTOR.secret, VECTOR.request, 'fsdowWAHlCF8pT5YVh7cDFC7dZWTNYzJG8C/JQH11vg=', NOW)).toBe('signature_invalid');
    for (const nonce of ['short', 'x'.repeat(65), 'has space 0123', 'dot.ted.nonce']) {
      const odd = { ...VECTOR.request, nonce };
      expect(verifyRequestSignature(VECTOR.secret, odd, signRequest(VECTOR.secret, odd), NOW), nonce).toBe('signature_invalid');
    }
  });

  it('sorts the query by name then value and re-encodes it with RFC 3986', () => {
    expect(canonicalQuery('b=2&a=z&a=y')).toBe('a=y&a=z&b=2');
    expect(canonicalQuery("q=it's(*)!&flag")).toBe('flag=&q=it%27s%28%2A%29%21');
    expect(canonicalQuery('x=%7e%2f')).toBe('x=~%2F');
    expect(canonicalQuery('plus=a+b')).toBe('plus=a%2Bb');
    expect(canonicalQuery('')).toBe('');
    expect(canonicalQuery('bad=%zz')).toBe('bad=%25zz');
  });

  it('gives the same canonical query for any parameter order', () => {
    expect(canonicalQuery('tag=b&source=shop&tag=a%20b')).toBe(canonicalQuery('tag=a%20b&tag=b&source=shop'));
  });

  it('refuses a change to the method, path, any query parameter, the timestamp or the body', () => {
    const variants: Partial<SignedRequest>[] = [
      { method: 'PUT' },
      { path: '/v1/events/x' },
      { rawQuery: 'source=shop&limit=11&tag=b&tag=a%20b&note=caf%C3%A9%21' },
      { rawQuery: 'source=shap&limit=10&tag=b&tag=a%20b&note=caf%C3%A9%21' },
      { rawQuery: 'source=shop&limit=10&tag=c&tag=a%20b&note=caf%C3%A9%21' },
      { rawQuery: 'source=shop&limit=10&tag=b&tag=a%20b' },
      { timestamp: '1767225601' },
      { body: VECTOR.request.body.replace('42', '43') },
    ];
    for (const change of variants) {
      expect(verifyRequestSignature(VECTOR.secret, { ...VECTOR.request, ...change }, VECTOR.signature, NOW), JSON.stringify(change)).toBe(
        'signature_invalid',
      );
    }
  });

  it('refuses another secret, a truncated or a re-padded signature', () => {
    expect(verifyRequestSignature(VECTOR.secret + 'x', VECTOR.request, VECTOR.signature, NOW)).toBe('signature_invalid');
    expect(verifyRequestSignature(VECTOR.secret, VECTOR.request, VECTOR.signature.slice(0, -2), NOW)).toBe('signature_invalid');
    expect(verifyRequestSignature(VECTOR.secret, VECTOR.request, VECTOR.signature.replace('=', ''), NOW)).toBe('signature_invalid');
    expect(verifyRequestSignature(VECTOR.secret, VECTOR.request, '', NOW)).toBe('signature_invalid');
  });

  it('accepts timestamps up to 300 s either side and refuses older or newer ones as expired', () => {
    const at = (offsetS: number) => verifyRequestSignature(VECTOR.secret, VECTOR.request, VECTOR.signature, NOW + offsetS * 1000);
    expect(at(300)).toBe('ok');
    expect(at(-300)).toBe('ok');
    expect(at(301)).toBe('signature_expired');
    expect(at(-301)).toBe('signature_expired');
  });

  it('refuses a timestamp that is not whole Unix seconds', () => {
    const req = { ...VECTOR.request, timestamp: '1767225600.5' };
    expect(verifyRequestSignature(VECTOR.secret, req, signRequest(VECTOR.secret, req), NOW)).toBe('signature_invalid');
  });
});

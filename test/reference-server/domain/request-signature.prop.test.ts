// Properties of request signing: the canonical query ignores parameter order, a signature verifies
// for exactly the request it was made for, and any change to the body or a query value breaks it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalQuery, rfc3986, signRequest, verifyRequestSignature } from '../../../reference-server/src/domain/request-signature.js';
import { propertyParams } from '../../support/property-seed.js';

const NOW = 1767225600_000;
const text = (minLength: number) => fc.string({ unit: 'grapheme', minLength, maxLength: 8 });
const param = fc.tuple(text(1), text(0));
const query = (params: [string, string][]) => params.map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join('&');

describe('request signature properties', () => {
  it('canonicalises any order of the same parameters identically', () => {
    fc.assert(
      fc.property(fc.array(param, { maxLength: 8 }), fc.infiniteStream(fc.nat()), (params, rnd) => {
        const shuffled = [...params];
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = rnd.next().value % (i + 1);
          [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
        }
        expect(canonicalQuery(query(shuffled))).toBe(canonicalQuery(query(params)));
      }),
      propertyParams('canonicalises any order of the same parameters identically', 200),
    );
  });

  it('keeps only RFC 3986 unreserved characters unencoded, reversibly', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 20 }), (s) => {
        expect(rfc3986(s)).toMatch(/^(?:[A-Za-z0-9\-._~]|%[0-9A-F]{2})*$/);
        expect(decodeURIComponent(rfc3986(s))).toBe(s);
      }),
      propertyParams('keeps only RFC 3986 unreserved characters unencoded, reversibly', 200),
    );
  });

  it('verifies a signature for its request and refuses any changed body byte', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.nat(), fc.integer({ min: 1, max: 255 }), fc.array(param, { maxLength: 4 }), (body, at, flip, params) => {
        const req = { method: 'POST', path: '/v1/events', rawQuery: query(params), timestamp: String(NOW / 1000), body };
        const signature = signRequest('sk_prop', req);
        expect(verifyRequestSignature('sk_prop', req, signature, NOW)).toBe('ok');
        const changed = Uint8Array.from(body);
        changed[at % body.length] = changed[at % body.length]! ^ flip;
        expect(verifyRequestSignature('sk_prop', { ...req, body: changed }, signature, NOW)).toBe('signature_invalid');
      }),
      propertyParams('verifies a signature for its request and refuses any changed body byte', 200),
    );
  });
});

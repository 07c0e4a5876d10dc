// Request signing (SPEC §3): the string to sign, the canonical query, and a verifier that returns a
// reason value. Pure: the clock reading and the secret are parameters; no Express, no I/O.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Accepted distance between the signature timestamp and the server clock, in seconds. */
export const SIGNATURE_TOLERANCE_S = 300;
export const SIGNATURE_VERSION = 'v1';

/** What is signed. `path` is the raw request path, `rawQuery` the text after `?` (may be empty). */
export interface SignedRequest {
  method: string;
  path: string;
  rawQuery: string;
  timestamp: string;
  body: Uint8Array | string;
  /**
   * X-Signature-Nonce, when sent: a sixth line of the string to sign, so two identical requests in one
   * second (a retry, a poll) sign differently and neither is refused as the other's replay.
   */
  nonce?: string | undefined;
}

/** A nonce as X-Signature-Nonce may carry it: 8–64 characters of A–Z a–z 0–9 - _. */
export const SIGNATURE_NONCE = /^[A-Za-z0-9_-]{8,64}$/;

/** Why a signature was refused, or `ok`. */
export type SignatureCheck = 'ok' | 'signature_missing' | 'signature_invalid' | 'signature_expired';

/** RFC 3986 percent-encoding: everything but unreserved characters (A–Z a–z 0–9 - . _ ~). */
export function rfc3986(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * The canonical query: each `name=value` decoded once (a `+` stays a literal plus), re-encoded with
 * RFC 3986, sorted by encoded name then encoded value, joined with `&`. A bare `name` is `name=`.
 * @example canonicalQuery('b=2&a=z&a=y') === 'a=y&a=z&b=2'
 */
export function canonicalQuery(rawQuery: string): string {
  if (rawQuery === '') return '';
  const pairs = rawQuery
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      const [name, value] = eq === -1 ? [part, ''] : [part.slice(0, eq), part.slice(eq + 1)];
      return [rfc3986(decodeOnce(name)), rfc3986(decodeOnce(value))] as const;
    });
  pairs.sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return pairs.map(([n, v]) => `${n}=${v}`).join('&');
}

/** Malformed percent-encoding is kept as sent, so it still signs and verifies deterministically. */
function decodeOnce(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/** `METHOD\nPATH\nCANONICAL_QUERY\nTIMESTAMP\nSHA256_HEX(raw body)`, then `\nNONCE` when there is one. */
export function stringToSign(req: SignedRequest): string {
  const bodyHash = createHash('sha256').update(req.body).digest('hex');
  const lines = [req.method.toUpperCase(), req.path, canonicalQuery(req.rawQuery), req.timestamp, bodyHash];
  if (req.nonce !== undefined) lines.push(req.nonce);
  return lines.join('\n');
}

/** base64 HMAC-SHA256 of the string to sign with the key's signing secret. */
export function signRequest(signingSecret: string, req: SignedRequest): string {
  return createHmac('sha256', signingSecret).update(stringToSign(req)).digest('base64');
}

/**
 * Verifies `signature` for `req` at `nowMs`. Returns `ok` or the reason; never throws. The timestamp
 * (Unix seconds) must be within `toleranceS` either side of now; the comparison is constant-time.
 */
export function verifyRequestSignature(
  signingSecret: string,
  req: SignedRequest,
  signature: string,
  nowMs: number,
  toleranceS = SIGNATURE_TOLERANCE_S,
): SignatureCheck {
  if (!/^\d{1,12}$/.test(req.timestamp)) return 'signature_invalid';
  if (req.nonce !== undefined && !SIGNATURE_NONCE.test(req.nonce)) return 'signature_invalid';
  if (Math.abs(nowMs / 1000 - Number(req.timestamp)) > toleranceS) return 'signature_expired';
  const expected = Buffer.from(signRequest(signingSecret, req), 'base64');
  const given = Buffer.from(signature, 'base64');
  // Buffer.from tolerates junk; requiring the canonical text too rejects padded or altered forms.
  if (given.length !== expected.length || given.toString('base64') !== signature) return 'signature_invalid';
  return timingSafeEqual(given, expected) ? 'ok' : 'signature_invalid';
}

// Request signing (docs/SECURITY.md#request-signing): the canonical query, the string to sign and
// the headers. Pure: the timestamp and the nonce are parameters.
import { createHash, createHmac, randomBytes } from 'node:crypto';

/** What one request signs: `path` without the query, `rawQuery` the text after `?` (may be empty). */
export interface RequestToSign {
  method: string;
  path: string;
  rawQuery: string;
  /** Unix seconds. */
  timestamp: number;
  /** The exact bytes sent; empty when there is no body. */
  body: string | Uint8Array;
  /**
   * X-Signature-Nonce (8–64 of `A–Z a–z 0–9 - _`): signed as a sixth line, so identical requests in
   * one second (a retry, a poll) sign differently. Without it two of them would carry one signature,
   * and the server refuses the second as a replay.
   */
  nonce?: string;
}

/** A fresh nonce for X-Signature-Nonce: 128 random bits, base64url (22 characters). */
export function newSignatureNonce(): string {
  return randomBytes(16).toString('base64url');
}

/** RFC 3986 percent-encoding: everything but `A–Z a–z 0–9 - . _ ~`, upper-case hex, UTF-8. */
function encodeRfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

// A malformed escape signs as sent, as the server reads it.
function decodeOnce(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * The canonical query: parts split at their first `=`, decoded once (`+` stays a plus), re-encoded
 * with RFC 3986, sorted by encoded name then value (byte order), joined with `&`.
 * @example canonicalQuery('b=2&a=z&a=y') // 'a=y&a=z&b=2'
 */
export function canonicalQuery(rawQuery: string): string {
  const pairs = rawQuery
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      const name = eq === -1 ? part : part.slice(0, eq);
      const value = eq === -1 ? '' : part.slice(eq + 1);
      return `${encodeRfc3986(decodeOnce(name))}=${encodeRfc3986(decodeOnce(value))}`;
    });
  // Sorting `name=value` strings would misorder `a=` against `a-b=`; compare name, then value.
  const split = pairs.map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)] as const);
  split.sort(([an, av], [bn, bv]) => (an < bn ? -1 : an > bn ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  return split.map(([n, v]) => `${n}=${v}`).join('&');
}

/** `METHOD\nPATH\nCANONICAL_QUERY\nTIMESTAMP\nSHA256_HEX(body)`, then `\nNONCE` when there is one. */
export function stringToSign(req: RequestToSign): string {
  const bodyHash = createHash('sha256').update(req.body).digest('hex');
  const lines = [req.method.toUpperCase(), req.path, canonicalQuery(req.rawQuery), String(req.timestamp), bodyHash];
  if (req.nonce !== undefined) lines.push(req.nonce);
  return lines.join('\n');
}

/** The base64 HMAC-SHA256 signature of a request with the key's `signing_secret` (`sk_…`). */
export function signRequest(signingSecret: string, req: RequestToSign): string {
  return createHmac('sha256', signingSecret).update(stringToSign(req)).digest('base64');
}

/**
 * The headers of a signed request: `X-Signature-Timestamp`, `X-Signature`, `X-Signature-Version`, and
 * `X-Signature-Nonce` with a nonce. Sign every attempt afresh, with a new nonce: the server refuses a
 * signature it has already accepted.
 * @example
 * const headers = signatureHeaders(secret, { method: 'GET', path: '/v1/inbox', rawQuery: '', timestamp: Math.floor(Date.now() / 1000), body: '', nonce: newSignatureNonce() });
 */
export function signatureHeaders(signingSecret: string, req: RequestToSign): Record<string, string> {
  return {
    'x-signature-timestamp': String(req.timestamp),
    'x-signature': signRequest(signingSecret, req),
    'x-signature-version': 'v1',
    ...(req.nonce === undefined ? {} : { 'x-signature-nonce': req.nonce }),
  };
}

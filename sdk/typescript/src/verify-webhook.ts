// Verifies a webhook delivery on the receiving side, with either header family the server sends:
// Standard Webhooks (`webhook-*`, computed with the `standardwebhooks` package) or `X-Webhook-*`.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/** Why a delivery was refused. */
export type WebhookVerifyFailure = 'missing_headers' | 'invalid_signature' | 'timestamp_too_old' | 'timestamp_too_new' | 'bad_secret';

/** A value, never an exception: `ok` with the delivery id, or the reason. */
export type WebhookVerifyResult = { ok: true; webhookId: string } | { ok: false; reason: WebhookVerifyFailure };

/** Headers as a receiver has them: a plain object (any case, arrays for repeats) or a `Headers`. */
export type ReceivedHeaders = Headers | Record<string, string | string[] | undefined>;

export interface VerifyWebhookOptions {
  /** The receiver's clock, ms since the epoch (default `Date.now()`): inject it for deterministic tests. */
  nowMs?: number;
  /** Accepted clock distance either way, seconds (default 300). */
  toleranceSeconds?: number;
}

/**
 * Checks a delivery's signature against the raw body bytes, before any JSON parsing. Uses the
 * `webhook-*` headers when present (several space-separated signatures accepted, for secret
 * rotation), else `X-Webhook-Timestamp` + `X-Webhook-Signature`. Constant-time comparisons.
 * The id returned is always a signed one: `webhook-id` is signed with Standard Webhooks, while
 * `X-Webhook-Signature` covers only the timestamp and body, so there the id is the body's
 * `delivery_id` (an `X-Webhook-Id` that differs from it is refused as `invalid_signature`).
 * @example
 * const result = verifyWebhook(process.env.WEBHOOK_SECRET!, rawBody, req.headers);
 * if (!result.ok) return res.status(401).end();
 */
export function verifyWebhook(secret: string, body: string | Uint8Array, headers: ReceivedHeaders, options: VerifyWebhookOptions = {}): WebhookVerifyResult {
  const key = secretBytes(secret);
  if (!key) return { ok: false, reason: 'bad_secret' };
  const get = (name: string) => headerOf(headers, name);
  const standard = get('webhook-signature') !== undefined;
  const id = get(standard ? 'webhook-id' : 'x-webhook-id') ?? '';
  const timestamp = get(standard ? 'webhook-timestamp' : 'x-webhook-timestamp');
  const signatures = get(standard ? 'webhook-signature' : 'x-webhook-signature');
  if ((standard && id === '') || timestamp === undefined || signatures === undefined || !/^\d{1,15}$/.test(timestamp)) {
    return { ok: false, reason: 'missing_headers' };
  }
  const now = Math.floor((options.nowMs ?? Date.now()) / 1000);
  const tolerance = options.toleranceSeconds ?? 300;
  if (now - Number(timestamp) > tolerance) return { ok: false, reason: 'timestamp_too_old' };
  if (Number(timestamp) - now > tolerance) return { ok: false, reason: 'timestamp_too_new' };
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  const expected = standard
    ? new Webhook(secret).sign(id, new Date(Number(timestamp) * 1000), text)
    : `v1=${createHmac('sha256', key).update(`${timestamp}.`).update(body).digest('hex')}`;
  const matched = signatures.split(' ').some((candidate) => sameText(candidate, expected));
  if (!matched) return { ok: false, reason: 'invalid_signature' };
  if (standard) return { ok: true, webhookId: id };
  // X-Webhook-Id is not signed: deduplicating on it would let a replay pick any id.
  const signedId = deliveryIdOf(text);
  if (signedId === undefined) return { ok: false, reason: 'missing_headers' };
  return id === '' || id === signedId ? { ok: true, webhookId: signedId } : { ok: false, reason: 'invalid_signature' };
}

/** The `delivery_id` of a delivery's JSON body, or undefined when there is none. */
function deliveryIdOf(body: string): string | undefined {
  try {
    const id = (JSON.parse(body) as { delivery_id?: unknown } | null)?.delivery_id;
    return typeof id === 'string' && id !== '' ? id : undefined;
  } catch {
    return undefined;
  }
}

// `whsec_` + standard base64 of 24–64 bytes, as the server accepts; anything else is refused up front.
function secretBytes(secret: string): Buffer | undefined {
  const encoded = secret.startsWith('whsec_') ? secret.slice(6) : '';
  if (encoded === '' || !/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(encoded)) return undefined;
  const key = Buffer.from(encoded, 'base64');
  return key.length >= 24 && key.length <= 64 ? key : undefined;
}

function headerOf(headers: ReceivedHeaders, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name && value !== undefined) return Array.isArray(value) ? value.join(' ') : value;
  }
  return undefined;
}

// Only the length of the fixed-size expected value can leak, never how many bytes matched.
function sameText(candidate: string, expected: string): boolean {
  const a = Buffer.from(candidate);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

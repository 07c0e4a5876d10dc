// The request-signing guard (SPEC §3): verifies X-Signature over the raw body when the key's mode
// asks for it, refuses replays through a shared nonce store, and answers each failure with its code.
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import type { ApiKeyRecord } from '../domain/api-key.js';
import type { Clock } from '../domain/clock.js';
import { SIGNATURE_NONCE, SIGNATURE_VERSION, verifyRequestSignature } from '../domain/request-signature.js';
import type { SigningMode } from '../domain/scopes.js';
import type { AuditLog } from '../store/audit-log.js';
import type { SecretBox } from '../store/secret-box.js';
import type { SignatureNonceStore } from '../store/signature-nonce-store.js';
import { ApiError, type ErrorCode } from './api-error.js';
import type { KeyGuard } from './authenticator.js';
import { rawBodyOf } from './json-body.js';
import type { SecurityMetrics } from './security-metrics.js';

export interface RequestSigningOptions {
  /** Mode for keys without their own `signing_mode`. */
  mode: SigningMode;
  toleranceS: number;
  clock: Clock;
  secretBox: SecretBox;
  nonces: SignatureNonceStore;
  metrics: SecurityMetrics;
  audit: AuditLog;
}

type SignatureFailure = Extract<ErrorCode, `signature_${string}`>;

/**
 * Builds the guard. Mode `off` ignores signature headers; `optional` verifies them when present and
 * passes unsigned requests; `required` refuses unsigned requests with `signature_missing`.
 * @example new Authenticator(keys, clock, cacheMs, { guards: [requestSigningGuard({ mode: 'optional', toleranceS: 300, ... })] })
 */
export function requestSigningGuard(opts: RequestSigningOptions): KeyGuard {
  const secrets = new Map<string, string>(); // key_id → opened signing secret (saves an AES-GCM open per request)
  const fail = (req: Request, key: ApiKeyRecord, code: SignatureFailure, message: string): never => {
    opts.metrics.signatures.inc({ outcome: code });
    void opts.audit.recordThrottled(
      `${code}:${key.key_id}`,
      { action: 'auth.signature_failure', actor: `key:${key.key_id}`, tenant_id: key.tenant_id, details: { code, method: req.method, path: req.originalUrl.split('?')[0], ip: req.ip } },
      { windowMs: 60_000 },
    );
    throw new ApiError(401, code, message);
  };

  return async (req, _res, key) => {
    const mode = key.signing_mode ?? opts.mode;
    if (mode === 'off') return;
    const signature = req.get('x-signature');
    const timestamp = req.get('x-signature-timestamp');
    if (signature === undefined && timestamp === undefined) {
      if (mode === 'required') fail(req, key, 'signature_missing', 'this key requires signed requests (X-Signature, X-Signature-Timestamp)');
      opts.metrics.signatures.inc({ outcome: 'unsigned' });
      return;
    }
    if (signature === undefined || timestamp === undefined) {
      return fail(req, key, 'signature_missing', 'X-Signature and X-Signature-Timestamp must be sent together');
    }
    const version = req.get('x-signature-version') ?? SIGNATURE_VERSION;
    if (version !== SIGNATURE_VERSION) return fail(req, key, 'signature_invalid', `unsupported X-Signature-Version (use ${SIGNATURE_VERSION})`);
    if (!key.signing_secret_enc) return fail(req, key, 'signature_invalid', 'this key has no signing secret; rotate it to get one');
    let secret = secrets.get(key.key_id);
    if (secret === undefined) {
      secret = opts.secretBox.open(key.signing_secret_enc);
      if (secrets.size >= 10_000) secrets.clear();
      secrets.set(key.key_id, secret);
    }
    const queryAt = req.originalUrl.indexOf('?');
    const signed = {
      method: req.method,
      path: queryAt === -1 ? req.originalUrl : req.originalUrl.slice(0, queryAt),
      rawQuery: queryAt === -1 ? '' : req.originalUrl.slice(queryAt + 1),
      timestamp,
      body: rawBodyOf(req),
      nonce: req.get('x-signature-nonce'),
    };
    if (signed.nonce !== undefined && !SIGNATURE_NONCE.test(signed.nonce)) return fail(req, key, 'signature_invalid', 'X-Signature-Nonce must be 8–64 characters of A–Z a–z 0–9 - _');
    const nowMs = opts.clock.now();
    const check = verifyRequestSignature(secret, signed, signature, nowMs, opts.toleranceS);
    if (check === 'signature_expired') return fail(req, key, check, `X-Signature-Timestamp is more than ${opts.toleranceS} s from the server clock`);
    if (check !== 'ok') return fail(req, key, check === 'signature_missing' ? check : 'signature_invalid', 'the signature does not match the request');
    // Only valid signatures are remembered, so garbage cannot fill the nonce table.
    const nonce = createHash('sha256').update(`${key.key_id}\n${signature}`).digest('hex');
    const first = await opts.nonces.remember(nonce, Number(timestamp) + opts.toleranceS + 1, Math.floor(nowMs / 1000));
    if (!first) return fail(req, key, 'signature_replayed', 'this signature was already used');
    opts.metrics.signatures.inc({ outcome: 'ok' });
  };
}

// Resolves a presented API key to its record, with a short in-memory cache so a request does
// not pay a DynamoDB read each time. The cache age bounds how late a revocation takes effect.
import { timingSafeEqual, createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import { checkKeyUsable, type ApiKeyRecord } from '../domain/api-key.js';
import { hashApiKey, looksLikeApiKey } from '../domain/api-key-material.js';
import type { Clock } from '../domain/clock.js';
import type { ApiKeysStore } from '../store/api-keys-store.js';

/** Outcome of checking a presented key. */
export type AuthResult = { ok: true; key: ApiKeyRecord } | { ok: false; reason: AuthFailureReason };
export type AuthFailureReason = 'missing' | 'unknown' | 'revoked' | 'expired';

/**
 * A check run on every key-authenticated request after the key itself passed (rate limit, request
 * signature). It refuses by throwing an ApiError and may set response headers.
 */
export type KeyGuard = (req: Request, res: Response, key: ApiKeyRecord) => Promise<void>;

/** Called when a request presents no usable key (for the audit log and metrics). */
export type AuthFailureListener = (req: Request, reason: AuthFailureReason) => void;

const MAX_ENTRIES = 10_000;

export class Authenticator {
  private readonly cache = new Map<string, { key: ApiKeyRecord | undefined; at: number }>();
  private readonly guards: readonly KeyGuard[];
  private readonly failureListener: AuthFailureListener | undefined;

  /** `checks`: the guards every key-authenticated request passes, in order, and who hears of failures. */
  constructor(
    private readonly keys: ApiKeysStore,
    private readonly clock: Clock,
    private readonly cacheMs: number,
    checks: { guards?: readonly KeyGuard[]; onFailure?: AuthFailureListener } = {},
  ) {
    this.guards = checks.guards ?? [];
    this.failureListener = checks.onFailure;
  }

  /** Checks `apiKey` now; expiry is judged against the clock on every call, cached or not. */
  async authenticate(apiKey: string): Promise<AuthResult> {
    if (!looksLikeApiKey(apiKey)) return { ok: false, reason: 'unknown' };
    const hash = hashApiKey(apiKey);
    const now = this.clock.now();
    let entry = this.cache.get(hash);
    if (!entry || now - entry.at >= this.cacheMs || now < entry.at) {
      entry = { key: await this.keys.findByHash(hash), at: now };
      if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
      this.cache.set(hash, entry);
    }
    if (!entry.key) return { ok: false, reason: 'unknown' };
    const check = checkKeyUsable(entry.key, now);
    return check === 'ok' ? { ok: true, key: entry.key } : { ok: false, reason: check };
  }

  /** Runs the guards for an authenticated request; throws the first refusal. */
  async admit(req: Request, res: Response, key: ApiKeyRecord): Promise<void> {
    for (const guard of this.guards) await guard(req, res, key);
  }

  /** Reports a failed authentication to the listener, if any. */
  reportFailure(req: Request, reason: AuthFailureReason): void {
    this.failureListener?.(req, reason);
  }

  /** Drops cached entries (after a rotation or revocation in this process). */
  invalidate(): void {
    this.cache.clear();
  }
}

/** Constant-time string comparison (hashing first makes lengths equal and hides them). */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

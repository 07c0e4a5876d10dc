// Resolves a presented API key to its record, with a short in-memory cache so a request does
// not pay a DynamoDB read each time. The cache age bounds how late a revocation takes effect.
// A busy key never waits on a read: past half its age an entry is read again in the background
// while it still answers, and requests that find no usable entry share one read instead of each
// sending their own (at 1,000 requests/s an expiring entry used to send dozens of identical queries).
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

/** A cached lookup; `at` is when its read started, so the age bound counts the read's own time. */
interface Entry {
  key: ApiKeyRecord | undefined;
  at: number;
}

export class Authenticator {
  private readonly cache = new Map<string, Entry>();
  /** Reads under way, by key hash, with when each started. */
  private readonly reading = new Map<string, { at: number; entry: Promise<Entry> }>();
  /** Bumped by invalidate(): a read started before it must not refill the cache. */
  private generation = 0;
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
    if (!entry || !this.usable(entry.at, now)) {
      const read = this.reading.get(hash);
      entry = await (read && this.usable(read.at, now) ? read.entry : this.read(hash, now));
    } else if (now - entry.at >= this.cacheMs / 2 && !this.reading.has(hash)) {
      // A failed background read leaves the entry to expire; the read that replaces it then reports the error.
      this.read(hash, now).catch(() => undefined);
    }
    if (!entry.key) return { ok: false, reason: 'unknown' };
    const check = checkKeyUsable(entry.key, now);
    return check === 'ok' ? { ok: true, key: entry.key } : { ok: false, reason: check };
  }

  /** An entry (or a read) started at `at` may answer at `now`: younger than the cache age, and the clock has not gone back. */
  private usable(at: number, now: number): boolean {
    return now - at < this.cacheMs && now >= at;
  }

  /** Reads the key and caches it, unless the cache was invalidated meanwhile; concurrent callers may share it. */
  private read(hash: string, now: number): Promise<Entry> {
    const generation = this.generation;
    const entry = this.keys.findByHash(hash).then((key) => ({ key, at: now }));
    const read = { at: now, entry };
    this.reading.set(hash, read);
    const done = () => {
      if (this.reading.get(hash) === read) this.reading.delete(hash);
    };
    entry.then((e) => {
      done();
      if (generation !== this.generation || (this.cache.get(hash)?.at ?? -Infinity) > e.at) return;
      if (this.cache.size >= MAX_ENTRIES) this.cache.clear();
      this.cache.set(hash, e);
    }, done);
    return entry;
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
    this.generation++;
    this.cache.clear();
    this.reading.clear();
  }
}

/** Constant-time string comparison (hashing first makes lengths equal and hides them). */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb);
}

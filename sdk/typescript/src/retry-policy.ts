// When and how long to wait before retrying a call. Pure: randomness is a parameter, so a seeded
// caller gets the same delays every run.

/** Retry settings; every field has a default. */
export interface RetryOptions {
  /** Attempts in all, the first included (default 3; 1 turns retries off). */
  maxAttempts?: number;
  /** Delay before the first retry, ms (default 200); doubles each retry. */
  baseDelayMs?: number;
  /** Upper bound of the backoff, ms (default 5 000). */
  maxDelayMs?: number;
  /** Longest `Retry-After` the client will wait, ms (default 30 000); a longer one is thrown to the caller. */
  maxRetryAfterMs?: number;
}

export type ResolvedRetryOptions = Required<RetryOptions>;

export function resolveRetryOptions(options: RetryOptions | undefined): ResolvedRetryOptions {
  return {
    maxAttempts: Math.max(1, Math.floor(options?.maxAttempts ?? 3)),
    baseDelayMs: options?.baseDelayMs ?? 200,
    maxDelayMs: options?.maxDelayMs ?? 5_000,
    maxRetryAfterMs: options?.maxRetryAfterMs ?? 30_000,
  };
}

/** What went wrong with an attempt, as far as retrying is concerned. */
export type AttemptFailure = { kind: 'status'; status: number } | { kind: 'network' } | { kind: 'timeout' };

/**
 * Whether a failed attempt may be sent again. 429 and 503 mean the server did not do the work, so
 * any request may retry them. A lost connection or timeout leaves the outcome unknown, so only an
 * idempotent request (a GET, or a create carrying an `Idempotency-Key`) may retry those, and 502/504.
 */
export function isRetryable(failure: AttemptFailure, idempotent: boolean): boolean {
  if (failure.kind === 'status') {
    if (failure.status === 429 || failure.status === 503) return true;
    return idempotent && (failure.status === 502 || failure.status === 504);
  }
  return idempotent;
}

/**
 * The delay before retry number `retry` (1 for the first): exponential backoff with "equal jitter"
 * (half fixed, half random, so retries of many clients spread out but never fire at once), raised
 * to the server's `Retry-After` when it asks for longer.
 */
export function retryDelayMs(retry: number, options: ResolvedRetryOptions, random: () => number, retryAfterMs?: number): number {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retry - 1));
  const backoff = ceiling / 2 + random() * (ceiling / 2);
  return Math.round(Math.max(backoff, retryAfterMs ?? 0));
}

/**
 * `Retry-After` in ms: delta seconds or an HTTP date (relative to `nowMs`); undefined when absent
 * or unreadable.
 */
export function parseRetryAfter(header: string | null, nowMs: number): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const text = header.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

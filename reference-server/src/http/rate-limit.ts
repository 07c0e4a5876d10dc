// The rate-limit guard: one shared counter update per request, the X-RateLimit-* headers on every
// key-authenticated response, 429 with Retry-After when a window is exhausted.
import type { Response } from 'express';
import type { Logger } from 'pino';
import { lineageOf } from '../domain/api-key.js';
import type { Clock } from '../domain/clock.js';
import { decideRate, WINDOWS, type RateDecision, type TierLimits } from '../domain/rate-limit-tiers.js';
import type { Tier } from '../domain/scopes.js';
import { CoalescingCounter } from '../store/coalescing-counter.js';
import type { RateLimitStore } from '../store/rate-limit-store.js';
import { ApiError } from './api-error.js';
import type { KeyGuard } from './authenticator.js';
import type { SecurityMetrics } from './security-metrics.js';

export interface RateLimitOptions {
  tiers: Record<Tier, TierLimits>;
  /** What happens when the counter store fails: `open` lets the request through, `closed` answers 503. */
  failMode: 'open' | 'closed';
  store: RateLimitStore;
  clock: Clock;
  metrics: SecurityMetrics;
  logger: Logger;
}

/**
 * Builds the guard. Concurrent requests of one key share one counter write (see CoalescingCounter).
 * Limits apply per key lineage (all versions of a key share one budget, so
 * rotating does not reset it). A refused request is given back, so hammering during a refused
 * minute does not eat the hour and day budgets.
 * @example new Authenticator(keys, clock, cacheMs, { guards: [rateLimitGuard({ tiers: tierLimits(), failMode: 'open', ... })] })
 */
export function rateLimitGuard(opts: RateLimitOptions): KeyGuard {
  const counter = new CoalescingCounter(opts.store);
  return async (_req, res, key) => {
    const limits = opts.tiers[key.tier] ?? opts.tiers.free;
    const subject = lineageOf(key);
    const nowMs = opts.clock.now();
    // Far from every limit, admit on this instance's recent view of the shared count and send the
    // increment in the background; near a limit (or with no recent view), wait for the shared count.
    const estimate = counter.estimate(subject, nowMs);
    if (estimate && WINDOWS.every((w) => limits[w] - estimate[w] >= syncMargin(limits[w]))) {
      counter.add(subject, nowMs, false).catch((err: unknown) => {
        opts.metrics.rateLimit.inc({ outcome: 'store_error_background' });
        opts.logger.warn({ err }, 'rate-limit store unavailable (background increment)');
      });
      setHeaders(res, decideRate(estimate, limits, nowMs));
      opts.metrics.rateLimit.inc({ outcome: 'allowed' });
      return;
    }
    let counts;
    try {
      counts = await counter.add(subject, nowMs);
    } catch (err) {
      opts.logger.warn({ err, fail_mode: opts.failMode }, 'rate-limit store unavailable');
      opts.metrics.rateLimit.inc({ outcome: `store_error_${opts.failMode}` });
      if (opts.failMode === 'open') return;
      res.setHeader('Retry-After', '1');
      throw new ApiError(503, 'service_unavailable', 'rate limiting is temporarily unavailable; retry shortly', undefined, { cause: err });
    }
    const decision = decideRate(counts, limits, nowMs);
    setHeaders(res, decision);
    if (decision.allowed) {
      opts.metrics.rateLimit.inc({ outcome: 'allowed' });
      return;
    }
    opts.metrics.rateLimit.inc({ outcome: 'limited' });
    opts.store.add(subject, nowMs, -1).catch(() => undefined);
    res.setHeader('Retry-After', String(decision.retryAfterS));
    throw new ApiError(429, 'rate_limited', `rate limit of ${decision.limit} requests per ${decision.window} exceeded`, {
      retry_after: decision.retryAfterS,
      window: decision.window,
      limit: decision.limit,
    });
  };
}

/**
 * Remaining requests below which a window is counted synchronously: a quarter of the limit, at
 * least 20. Small limits (every default minute limit but enterprise's) are therefore always exact.
 */
function syncMargin(limit: number): number {
  return Math.max(20, Math.ceil(limit / 4));
}

function setHeaders(res: Response, decision: RateDecision): void {
  res.setHeader('X-RateLimit-Limit', String(decision.limit));
  res.setHeader('X-RateLimit-Remaining', String(decision.remaining));
  res.setHeader('X-RateLimit-Reset', String(Math.ceil(decision.resetMs / 1000)));
}

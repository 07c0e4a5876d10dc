// The rate-limit guard: one shared counter update per request, the X-RateLimit-* headers on every
// key-authenticated response, 429 with Retry-After when a window is exhausted.
import type { Logger } from 'pino';
import { lineageOf } from '../domain/api-key.js';
import type { Clock } from '../domain/clock.js';
import { decideRate, type TierLimits } from '../domain/rate-limit-tiers.js';
import type { Tier } from '../domain/scopes.js';
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
 * Builds the guard. Limits apply per key lineage (all versions of a key share one budget, so
 * rotating does not reset it). A refused request is given back, so hammering during a refused
 * minute does not eat the hour and day budgets.
 * @example authenticator.attach({ guards: [rateLimitGuard({ tiers: tierLimits(), failMode: 'open', ... })] })
 */
export function rateLimitGuard(opts: RateLimitOptions): KeyGuard {
  return async (_req, res, key) => {
    const limits = opts.tiers[key.tier] ?? opts.tiers.free;
    const subject = lineageOf(key);
    const nowMs = opts.clock.now();
    let counts;
    try {
      counts = await opts.store.add(subject, nowMs);
    } catch (err) {
      opts.logger.warn({ err, fail_mode: opts.failMode }, 'rate-limit store unavailable');
      opts.metrics.rateLimit.inc({ outcome: `store_error_${opts.failMode}` });
      if (opts.failMode === 'open') return;
      res.setHeader('Retry-After', '1');
      throw new ApiError(503, 'service_unavailable', 'rate limiting is temporarily unavailable; retry shortly', undefined, { cause: err });
    }
    const decision = decideRate(counts, limits, nowMs);
    res.setHeader('X-RateLimit-Limit', String(decision.limit));
    res.setHeader('X-RateLimit-Remaining', String(decision.remaining));
    res.setHeader('X-RateLimit-Reset', String(Math.ceil(decision.resetMs / 1000)));
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

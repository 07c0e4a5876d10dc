// Rate-limit tiers and the pure decision over fixed UTC windows (minute, hour, day): given the
// counts after this request, whether it passes and which limit the headers should report.
import { z } from 'zod';
import { TIERS, type Tier } from './scopes.js';

export const WINDOWS = ['minute', 'hour', 'day'] as const;
export type RateWindow = (typeof WINDOWS)[number];
const WINDOW_MS: Record<RateWindow, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** Requests allowed per window. */
export type TierLimits = Record<RateWindow, number>;

/** The production-readiness tiers. */
export const DEFAULT_TIER_LIMITS: Readonly<Record<Tier, TierLimits>> = Object.freeze({
  free: { minute: 10, hour: 100, day: 1_000 },
  startup: { minute: 30, hour: 500, day: 5_000 },
  business: { minute: 100, hour: 2_000, day: 20_000 },
  enterprise: { minute: 500, hour: 10_000, day: 100_000 },
});

const LimitsSchema = z.strictObject({
  minute: z.number().int().min(1),
  hour: z.number().int().min(1),
  day: z.number().int().min(1),
});

/** Schema of the `RATE_LIMIT_TIERS` JSON: any subset of tiers, each with all three windows. */
export const TierOverridesSchema = z.partialRecord(z.enum(TIERS), LimitsSchema);

/** Defaults with `overrides` applied. */
export function tierLimits(overrides: Partial<Record<Tier, TierLimits>> = {}): Record<Tier, TierLimits> {
  return { ...DEFAULT_TIER_LIMITS, ...overrides };
}

/** Index of the fixed window containing `nowMs` (UTC), and when it ends. */
export function windowAt(window: RateWindow, nowMs: number): { index: number; resetMs: number } {
  const index = Math.floor(nowMs / WINDOW_MS[window]);
  return { index, resetMs: (index + 1) * WINDOW_MS[window] };
}

/** The outcome for one request: what the `X-RateLimit-*` headers say, and whether it passes. */
export interface RateDecision {
  allowed: boolean;
  /** The window the headers describe: the exceeded one, else the one with the fewest remaining. */
  window: RateWindow;
  limit: number;
  remaining: number;
  resetMs: number;
  /** Seconds until the exceeded window resets (0 when allowed). */
  retryAfterS: number;
}

/**
 * Decides from the counts including this request. Refused when any window is over its limit; the
 * longest exceeded window names the wait, since shorter windows reset before it does.
 */
export function decideRate(counts: Record<RateWindow, number>, limits: TierLimits, nowMs: number): RateDecision {
  let chosen: RateDecision | undefined;
  for (const window of WINDOWS) {
    const { resetMs } = windowAt(window, nowMs);
    const remaining = Math.max(0, limits[window] - counts[window]);
    const allowed = counts[window] <= limits[window];
    const candidate: RateDecision = {
      allowed,
      window,
      limit: limits[window],
      remaining,
      resetMs,
      retryAfterS: allowed ? 0 : Math.max(1, Math.ceil((resetMs - nowMs) / 1000)),
    };
    if (!chosen) chosen = candidate;
    else if (!allowed) chosen = candidate;
    else if (chosen.allowed && remaining < chosen.remaining) chosen = candidate;
  }
  return chosen!;
}

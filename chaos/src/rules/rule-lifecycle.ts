// A rule's life on the clock: pending until start_after has passed, active until its duration or
// max_count runs out, then ended. Pure functions, so the engine and the tests agree on every instant.
import type { Rule } from './rule-schema.js';

/** Where a rule stands at an instant. */
export type RuleState = 'pending' | 'active' | 'expired' | 'exhausted';

/** When an installed rule starts and ends, from its install time and the engine's default duration. */
export interface RuleWindow {
  startsAt: number;
  /** `null`: runs until healed or exhausted. */
  endsAt: number | null;
}

/** The default lifetime of a rule that names no `duration`: 10 minutes. */
export const DEFAULT_RULE_DURATION_MS = 600_000;

/** Computes a rule's window; `duration: null` means no end, an omitted duration takes `defaultDurationMs`. */
export function ruleWindow(rule: Rule, installedAt: number, defaultDurationMs: number | null = DEFAULT_RULE_DURATION_MS): RuleWindow {
  const startsAt = installedAt + rule.start_after;
  const duration = rule.duration === undefined ? defaultDurationMs : rule.duration;
  return { startsAt, endsAt: duration === null ? null : startsAt + duration };
}

/** The state at `now` after `count` injections. */
export function ruleState(rule: Rule, window: RuleWindow, count: number, now: number): RuleState {
  if (rule.max_count !== undefined && count >= rule.max_count) return 'exhausted';
  if (window.endsAt !== null && now >= window.endsAt) return 'expired';
  return now < window.startsAt ? 'pending' : 'active';
}

// How a rule is reported by the engine and the control API: the rule as validated plus where it
// stands (pending or active), how often it fired, and when it started and ends.
import { ruleState, type RuleWindow } from './rule-lifecycle.js';
import type { Rule } from './rule-schema.js';

/** An installed rule with its live state. Times are ISO-8601. */
export type RuleStatus = Rule & {
  state: 'pending' | 'active';
  count: number;
  installed_at: string;
  starts_at: string;
  ends_at: string | null;
};

/** Describes an installed rule at `now` (callers retire ended rules first). */
export function describeRule(rule: Rule, window: RuleWindow, installedAt: number, count: number, now: number): RuleStatus {
  return {
    ...rule,
    state: ruleState(rule, window, count, now) === 'pending' ? 'pending' : 'active',
    count,
    installed_at: new Date(installedAt).toISOString(),
    starts_at: new Date(window.startsAt).toISOString(),
    ends_at: window.endsAt === null ? null : new Date(window.endsAt).toISOString(),
  };
}

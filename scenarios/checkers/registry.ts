// The checkers by the names scenario files use in `invariants:`, and running a chosen set of them.
import type { HistoryRecord } from '../history/history.js';
import { analyticsExact } from './analytics-exact.js';
import type { Checker, CheckerResult } from './checker.js';
import { deliveriesComplete } from './deliveries-complete.js';
import { noConcurrentDoubleDelivery } from './no-concurrent-double-delivery.js';
import { noLostEvents } from './no-lost-events.js';
import { sameIdOnRetry } from './same-id-on-retry.js';

/** Every checker a scenario may name, in the order reports list them. */
export const CHECKER_NAMES = ['no_lost_events', 'deliveries_complete', 'no_concurrent_double_delivery', 'same_id_on_retry', 'analytics_exact'] as const;

export type CheckerName = (typeof CHECKER_NAMES)[number];

/** The checkers by name. */
export const CHECKERS: Readonly<Record<CheckerName, Checker>> = Object.freeze({
  no_lost_events: noLostEvents,
  deliveries_complete: deliveriesComplete,
  no_concurrent_double_delivery: noConcurrentDoubleDelivery,
  same_id_on_retry: sameIdOnRetry,
  analytics_exact: analyticsExact,
});

/** True when `name` is a checker scenario files may use. */
export function isCheckerName(name: string): name is CheckerName {
  return (CHECKER_NAMES as readonly string[]).includes(name);
}

/**
 * Runs the named checkers over one history, in the order given.
 * @example runCheckers(['no_lost_events', 'analytics_exact'], history).every((r) => r.valid)
 */
export function runCheckers(names: readonly CheckerName[], history: readonly HistoryRecord[]): CheckerResult[] {
  return names.map((name) => CHECKERS[name](history));
}

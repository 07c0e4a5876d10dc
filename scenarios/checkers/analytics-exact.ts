// analytics_exact: the analytics summary read back after quiescence equals what the history says
// happened: every acknowledged create, plus the unknown-outcome ones that turned out readable,
// each counted once, by event type and by source.
import type { HistoryRecord } from '../history/history.js';
import { addExample, type CheckerExample, type CheckerResult } from './checker.js';
import { fatesOf, finalReadOf, noFinalRead } from './final-read.js';
import { CREATE_EVENT, completedOps } from './operations.js';

const NAME = 'analytics_exact';

/** Ground truth: the events that exist, counted by type and by source. */
interface Truth {
  total: number;
  by_type: Record<string, number>;
  by_source: Record<string, number>;
}

/** Compares the read-back summary with the ground truth, key by key. */
export function analyticsExact(history: readonly HistoryRecord[]): CheckerResult {
  const final = finalReadOf(history);
  if (!final) return noFinalRead(NAME);
  if (!final.analytics) {
    return { name: NAME, valid: false, counts: { no_analytics: 1 }, examples: [{ expected: 'an analytics summary in the read-back', seen: 'none was read back' }] };
  }
  // Without a prototype: a workload's event type may be named `constructor` or `valueOf`.
  const truth: Truth = { total: 0, by_type: Object.create(null) as Record<string, number>, by_source: Object.create(null) as Record<string, number> };
  const counted = new Set<string>();
  let unknownCounted = 0;
  const ops = completedOps(history, CREATE_EVENT);
  const fates = fatesOf(ops, final);
  for (const [i, op] of ops.entries()) {
    const fate = fates[i]!;
    // An ok create is counted even if lost (no_lost_events reports that); an unknown one only if it exists.
    const exists = op.type === 'ok' || ((op.type === 'info' || op.type === 'pending') && fate.readable);
    const eventId = fate.event_id ?? op.value.event_id;
    // Once per create: two acknowledged creates are two events, even when answered with one id.
    const identity = op.value.idempotency_key ?? eventId;
    if (!exists || eventId === undefined || identity === undefined || counted.has(identity)) continue;
    counted.add(identity);
    if (op.type !== 'ok') unknownCounted++;
    const type = op.value.event_type ?? final.events[eventId]?.event_type ?? '(unknown)';
    const source = op.value.source ?? final.events[eventId]?.source ?? '(unknown)';
    truth.total++;
    truth.by_type[type] = (truth.by_type[type] ?? 0) + 1;
    truth.by_source[source] = (truth.by_source[source] ?? 0) + 1;
  }
  const seen = final.analytics;
  const examples: CheckerExample[] = [];
  const counts = { expected_total: truth.total, seen_total: seen.total, info_counted: unknownCounted, mismatched_types: 0, mismatched_sources: 0 };
  if (truth.total !== seen.total) addExample(examples, { expected: `total ${truth.total}`, seen: `total ${seen.total}` });
  counts.mismatched_types = compare('event_type', truth.by_type, seen.by_type, examples);
  counts.mismatched_sources = compare('source', truth.by_source, seen.by_source, examples);
  const valid = truth.total === seen.total && counts.mismatched_types === 0 && counts.mismatched_sources === 0;
  return { name: NAME, valid, counts, examples };
}

/** Counts keys whose numbers differ, adding an example for each. */
function compare(label: string, expected: Record<string, number>, seen: Record<string, number>, examples: CheckerExample[]): number {
  let mismatched = 0;
  for (const key of [...new Set([...Object.keys(expected), ...Object.keys(seen)])].sort()) {
    const want = Object.hasOwn(expected, key) ? expected[key]! : 0;
    const got = Object.hasOwn(seen, key) ? seen[key]! : 0;
    if (want === got) continue;
    mismatched++;
    addExample(examples, { expected: `${label} ${key}: ${want}`, seen: `${label} ${key}: ${got}` });
  }
  return mismatched;
}

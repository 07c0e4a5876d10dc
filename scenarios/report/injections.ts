// How often each step of the method actually bit: a chaos rule's injection count (read from the
// target when the rule was healed), the receiver's faulted answers in its window, a kill's one kill.
import type { HistoryRecord } from '../history/history.js';
import type { Journal } from '../runner/journal.js';

/** One method step with what it did. `count` is null when the kind cannot be counted (a proxy toxic). */
export interface InjectionRow {
  name: string;
  kind: string;
  status: string;
  started?: number;
  healed?: number;
  count: number | null;
  /** What `count` counts, e.g. `injections`, `receipts answered non-2xx`. */
  unit: string;
}

/** A chaos rule's count from its end record; null (with why) when the target could not say. */
function chaosCount(history: readonly HistoryRecord[], id: string): { count: number | null; unit: string } {
  for (const r of history) {
    if (r.kind !== 'fault' || r.id !== id || r.type !== 'end') continue;
    const detail = r.detail as { injections?: unknown; injections_in?: unknown } | undefined;
    if (typeof detail?.injections === 'number') return { count: detail.injections, unit: 'injections' };
    if (typeof detail?.injections_in === 'string') return { count: null, unit: `injections (made in the ${detail.injections_in}, not read back)` };
  }
  return { count: null, unit: 'injections' };
}

/**
 * The receipts a receiver step bit in its window. A `delay` or `trickle` answers 200, late: those count
 * the receipts held at least 90 % of that time (a trickle's byte steps round down); the others count
 * the answers that were not 2xx (a status, a reset, a hang cut at the heal).
 */
function receiverCount(history: readonly HistoryRecord[], id: string, from: number, to: number): { count: number; unit: string } {
  const start = history.find((r) => r.kind === 'fault' && r.id === id && r.type === 'start');
  const detail = (start?.kind === 'fault' ? start.detail : undefined) as { delay?: unknown; trickle?: unknown } | undefined;
  const late = typeof detail?.delay === 'number' ? detail.delay : typeof detail?.trickle === 'number' ? detail.trickle : undefined;
  const inWindow = history.filter((r) => r.kind === 'receipt' && r.start >= from && r.start < to);
  if (late === undefined) return { count: inWindow.filter((r) => r.kind === 'receipt' && (r.status < 200 || r.status >= 300)).length, unit: 'receipts answered non-2xx' };
  return { count: inWindow.filter((r) => r.kind === 'receipt' && r.end - r.start >= late * 0.9).length, unit: `receipts held about ${late} ms before the answer` };
}

/**
 * One row per activity, in method order. Fault ids follow the runner's naming
 * (`aftershock-<seed>-<step number>`), which pairs an activity with its history records.
 */
export function injectionRows(journal: Pick<Journal, 'activities' | 'seed'>, history: readonly HistoryRecord[]): InjectionRow[] {
  return journal.activities.map((a, i) => {
    const base = { name: a.name, kind: a.kind, status: a.status, ...(a.started === undefined ? {} : { started: a.started }), ...(a.healed === undefined ? {} : { healed: a.healed }) };
    if (a.started === undefined) return { ...base, count: 0, unit: 'not applied' };
    if (a.kind.startsWith('chaos:')) return { ...base, ...chaosCount(history, `aftershock-${journal.seed}-${i + 1}`) };
    if (a.kind === 'receiver') return { ...base, ...receiverCount(history, `aftershock-${journal.seed}-${i + 1}`, a.started, a.healed ?? Infinity) };
    if (a.type === 'action' || a.kind.startsWith('process:')) return { ...base, count: 1, unit: a.type === 'action' ? 'kill' : 'stop' };
    return { ...base, count: null, unit: 'toxic in force (not counted per connection)' };
  });
}

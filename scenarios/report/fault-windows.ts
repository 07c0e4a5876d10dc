// The run's fault windows and marked moments as the journal records them: each activity from when
// it was applied until it was healed, the phase boundaries, and each probe's recovery moment.
import type { HistoryRecord } from '../history/history.js';
import type { Journal } from '../runner/journal.js';
import { fmtMs } from './html.js';
import type { Band, Marker } from './chart-spec.js';

/**
 * Where a run stopped early (`interrupted`, `aborted`) stopped being observed, in ms since it started: its
 * rollback (which runs as soon as it is stopped) or the last thing it recorded after, whichever is later.
 * Null for a run that ran to its end.
 */
export function observedUntil(journal: Pick<Journal, 'status' | 'rollbacks'>, history: readonly HistoryRecord[]): number | null {
  if (journal.status !== 'interrupted' && journal.status !== 'aborted') return null;
  let last = 0;
  for (const r of journal.rollbacks) last = Math.max(last, r.time);
  for (const r of history) {
    if (r.kind === 'receipt') last = Math.max(last, r.end);
    else if (r.kind !== 'final') last = Math.max(last, r.time);
  }
  return last;
}

/**
 * One window per activity that was applied, in seconds. A fault never healed is drawn to `endMs` (the
 * end of the run, or where a stopped run was last observed); a kill without restart is an instant.
 */
export function faultBands(journal: Pick<Journal, 'activities'>, endMs: number): Band[] {
  return journal.activities
    .filter((a) => a.started !== undefined)
    .map((a) => ({ start: a.started! / 1000, end: (a.healed ?? endMs) / 1000, label: a.name, kind: a.kind }));
}

/**
 * A line at the start of each phase, and one per probe at its recovery moment: the last heal plus its
 * recovery time, or, when no fault was healed, the recovery phase's start plus it (where the recovery
 * gate counts from then), labelled so.
 */
export function runMarkers(journal: Pick<Journal, 'phases' | 'last_heal' | 'recovery'>): Marker[] {
  const markers: Marker[] = (['baseline', 'fault', 'recovery'] as const)
    .filter((name) => journal.phases[name].end > journal.phases[name].start)
    .map((name) => ({ at: journal.phases[name].start / 1000, label: name, kind: 'phase' }));
  const healed = journal.last_heal !== null;
  const from = journal.last_heal ?? journal.phases.recovery.start;
  for (const { probe, recovery_ms } of journal.recovery) {
    if (recovery_ms === null) continue;
    const label = healed ? `${probe} recovered: ${fmtMs(recovery_ms)}` : `${probe} held ${fmtMs(recovery_ms)} into recovery (no fault healed)`;
    markers.push({ at: (from + recovery_ms) / 1000, label, kind: 'recovery' });
  }
  return markers;
}

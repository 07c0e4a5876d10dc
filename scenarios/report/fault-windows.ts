// The run's fault windows and marked moments as the journal records them: each activity from when
// it was applied until it was healed, the phase boundaries, and each probe's recovery moment.
import type { Journal } from '../runner/journal.js';
import { fmtMs } from './html.js';
import type { Band, Marker } from './chart-spec.js';

/**
 * One window per activity that was applied, in seconds. A fault never healed (the run was cut
 * short) is drawn to the end of the run; a kill without restart is an instant (start = end).
 */
export function faultBands(journal: Pick<Journal, 'activities' | 'duration_ms' | 'phases'>): Band[] {
  const runEnd = Math.max(journal.phases.recovery.end, 0);
  return journal.activities
    .filter((a) => a.started !== undefined)
    .map((a) => ({ start: a.started! / 1000, end: (a.healed ?? runEnd) / 1000, label: a.name, kind: a.kind }));
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

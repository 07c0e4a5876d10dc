// Why a run is `deviated`, in words: its steady state broke before or after the method, a step of the
// method could not be applied, or a chaos step's rule never fired (either way the fault never happened,
// so what the gates saw is not its effect).
import type { Journal } from './journal.js';
import type { Activity } from './timeline.js';

/** The chaos steps whose rule was in force for its whole window and fired 0 times (the target said so). */
export function neverInjected(activities: readonly Activity[]): Activity[] {
  // A window the run's stop cut short (healed by the rollback before its planned end) had no fair
  // chance to inject: the stop is the news there, not the step.
  const ranItsWindow = (a: Activity) => a.planned.end === undefined || a.healed === undefined || a.healed >= a.planned.end;
  return activities.filter((a) => a.status === 'healed' && a.injections === 0 && ranItsWindow(a));
}

/** The causes of `journal.deviated`, each a short phrase; empty when it did not deviate. */
export function deviationCauses(journal: Pick<Journal, 'deviated' | 'steady_states' | 'activities'>): string[] {
  if (!journal.deviated) return [];
  const causes: string[] = [];
  const { before, after } = journal.steady_states;
  // A reading the run stopped before it could take (judged: false) is no sign of deviation.
  const broke = (r: (typeof before)[number]) => r.judged !== false && !r.holds;
  if (before.some(broke) || after.some(broke)) causes.push('steady state did not hold before or after');
  const failed = journal.activities.filter((a) => a.status === 'failed');
  if (failed.length > 0) causes.push(`${failed.length === 1 ? `step "${failed[0]!.name}" was` : `${failed.length} steps were`} not applied`);
  for (const step of neverInjected(journal.activities)) causes.push(`step "${step.name}" never injected (0 injections)`);
  // A journal that says it deviated but shows neither cause (written by hand, or by another version).
  return causes.length > 0 ? causes : ['steady state deviated'];
}

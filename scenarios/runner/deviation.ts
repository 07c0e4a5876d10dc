// Why a run is `deviated`, in words: its steady state broke before or after the method, or a step of
// the method could not be applied (the fault never happened, so what the gates saw is not its effect).
import type { Journal } from './journal.js';

/** The causes of `journal.deviated`, each a short phrase; empty when it did not deviate. */
export function deviationCauses(journal: Pick<Journal, 'deviated' | 'steady_states' | 'activities'>): string[] {
  if (!journal.deviated) return [];
  const causes: string[] = [];
  const { before, after } = journal.steady_states;
  if (before.some((r) => !r.holds) || after.some((r) => !r.holds)) causes.push('steady state did not hold before or after');
  const failed = journal.activities.filter((a) => a.status === 'failed');
  if (failed.length > 0) causes.push(`${failed.length === 1 ? `step "${failed[0]!.name}" was` : `${failed.length} steps were`} not applied`);
  // A journal that says it deviated but shows neither cause (written by hand, or by another version).
  return causes.length > 0 ? causes : ['steady state deviated'];
}

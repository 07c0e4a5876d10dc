// The one-screen summary printed after a run: verdict, gates with measured values, recovery per
// probe, checkers' counts, where the outputs are, and the replay command.
import { formatDuration } from '../gates/duration.js';
import { formatNumber, parseTolerance } from '../gates/tolerance.js';
import { deviationCauses } from '../runner/deviation.js';
import type { Journal } from '../runner/journal.js';

/** True when the tolerance's bound is a duration (`<= 250ms`, `< 2s`, `<= 1m`): the value is then ms. */
function isDurationTolerance(tolerance: string): boolean {
  const parsed = parseTolerance(tolerance);
  return parsed.ok && parsed.value.unit === 'ms';
}

function measured(value: number | null, kind: string, tolerance: string): string {
  if (value === null) return kind === 'recovery_time' ? 'never' : '—';
  if (kind === 'recovery_time' || isDurationTolerance(tolerance)) return formatDuration(Math.round(value));
  return formatNumber(value);
}

/** Renders the summary as lines (no colour codes; the caller decides). */
export function summaryLines(journal: Journal): string[] {
  const verdict = { completed: 'PASS', failed: 'FAIL', aborted: 'ABORTED', interrupted: 'INTERRUPTED' }[journal.status];
  const lines = [
    `${verdict}  ${journal.title}${journal.deviated ? `  (deviated: ${deviationCauses(journal).join('; ')})` : ''}`,
    `  seed ${journal.seed} · ${formatDuration(journal.duration_ms)} · ${journal.load.intended} requests planned, ${journal.load.dropped} dropped`,
  ];
  for (const gate of journal.gates) {
    // A gate the run stopped before judging is neither held nor failed; its detail says where it stopped.
    if (gate.judged === false) {
      lines.push(`  skip ${gate.name}: ${gate.detail}`);
      continue;
    }
    const mark = gate.passed ? 'ok  ' : 'FAIL';
    // A checker measures no one number: its counts say what it saw ("no_lost_events held: ok=151 lost=0 …").
    if (gate.kind === 'invariant') lines.push(`  ${mark} ${gate.detail.startsWith(gate.name) ? gate.detail : `${gate.name}: ${gate.detail}`}`);
    else lines.push(`  ${mark} ${gate.name}: ${measured(gate.measured, gate.kind, gate.tolerance)} (needs ${gate.tolerance})${gate.passed ? '' : ` — ${gate.detail}`}`);
  }
  if (journal.recovery.length > 0) {
    const time = (r: Journal['recovery'][number]) => (r.judged === false ? 'not judged' : r.recovery_ms === null ? 'never' : formatDuration(Math.round(r.recovery_ms)));
    lines.push(`  recovery: ${journal.recovery.map((r) => `${r.probe} ${time(r)}`).join(', ')}`);
  }
  for (const error of journal.errors.slice(0, 3)) lines.push(`  note: ${error}`);
  lines.push(`  outputs: ${journal.outputs.dir}`);
  lines.push(`  report:  ${journal.outputs.report}`);
  lines.push(`  replay:  ${journal.replay}`);
  return lines;
}

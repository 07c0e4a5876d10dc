// Assembles the journal from what a run did and what judging concluded: the status and exit-code
// meaning, `deviated`, the load's totals per operation, and every activity, rollback and verdict.
import type { Scenario } from '../scenario/scenario-schema.js';
import type { Journal, RollbackReading, RunStatus } from './journal.js';
import type { Phases, Verdicts } from './judge-run.js';
import type { LoadSummary } from './load-driver.js';
import { neverInjected } from './deviation.js';
import { replayCommand } from './replay-command.js';
import type { RunRecorder } from './run-recorder.js';
import type { Activity } from './timeline.js';

/** Everything the journal records. */
export interface JournalInput {
  scenario: Scenario;
  file?: string;
  /** The CLI options, besides the file and seed, that the replay command repeats. */
  replayArgs?: readonly string[];
  /** Set when the run stopped early (`aborted`, `interrupted`); otherwise decided by the gates. */
  stoppedAs?: RunStatus;
  seed: number;
  runId: string;
  startedAt: Date;
  setupStartedAt: Date;
  target: Journal['target'];
  phases: Phases;
  lastHeal: number | null;
  load: LoadSummary;
  recorder: RunRecorder;
  activities: Activity[];
  rollbacks: RollbackReading[];
  verdicts: Verdicts;
  errors: string[];
  outputs: Journal['outputs'];
}

/**
 * The journal; a step the target refused, and a chaos step whose rule never fired, count as a deviation
 * and are listed in `errors`.
 */
export function buildJournal(input: JournalInput): Journal {
  const { scenario, verdicts, recorder, phases } = input;
  const failedSteps = input.activities.filter((a) => a.status === 'failed');
  const idleSteps = neverInjected(input.activities);
  const errors = [
    ...input.errors,
    ...failedSteps.map((a) => `${a.name} (${a.kind}) could not be applied: ${a.error}`),
    ...idleSteps.map((a) => `${a.name} (${a.kind}) never injected: its rule fired 0 times in its window, so the run saw no such fault`),
  ];
  const ended = new Date();
  const ops = Object.fromEntries(
    recorder.measurements.ops().map((op) => {
      const w = recorder.measurements.opWindow(op, { start: 0, end: phases.recovery.end });
      // Requests the runner cancelled when it stopped are in no count: said apart, so the counts add up.
      return [op, { count: w.count, ok: w.ok, failed: w.failed, success_rate: w.success_rate, ...(w.cancelled > 0 ? { cancelled: w.cancelled, cancelled_longest_ms: Math.round(w.cancelled_longest_ms ?? 0) } : {}) }];
    }),
  );
  return {
    title: scenario.title,
    ...(input.file ? { file: input.file } : {}),
    status: input.stoppedAs ?? (verdicts.gates.some((g) => !g.passed) ? 'failed' : 'completed'),
    deviated: verdicts.deviated || failedSteps.length > 0 || idleSteps.length > 0,
    seed: input.seed,
    run_id: input.runId,
    replay: replayCommand(input.file, input.seed, undefined, input.replayArgs),
    started_at: input.startedAt.toISOString(),
    ended_at: ended.toISOString(),
    duration_ms: ended.getTime() - input.setupStartedAt.getTime(),
    setup_ms: input.startedAt.getTime() - input.setupStartedAt.getTime(),
    target: input.target,
    phases,
    last_heal: input.lastHeal,
    load: { ...input.load, ops },
    steady_states: verdicts.steady_states,
    activities: input.activities,
    rollbacks: input.rollbacks,
    recovery: verdicts.recovery,
    gates: verdicts.gates,
    checkers: verdicts.checkers,
    errors,
    outputs: input.outputs,
    scenario,
  };
}

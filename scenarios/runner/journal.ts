// The journal: what a run did and concluded, written as journal.json and returned by runScenario.
// Shaped after Chaos Toolkit's journal (status, deviated, steady states, activities, rollbacks)
// with the gates, recovery times and checker verdicts Aftershock adds.
import type { CheckerResult } from '../checkers/checker.js';
import type { GateResult } from '../gates/gate-result.js';
import type { Window } from '../measure/measurements.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import type { Activity } from './timeline.js';

/** How the run ended: `completed` every gate held; `failed` one did not; `aborted` stopped early (`--fail-fast`, or the run broke); `interrupted` SIGINT/SIGTERM. */
export type RunStatus = 'completed' | 'failed' | 'aborted' | 'interrupted';

/** One probe at one moment of the run. */
export interface ProbeReading {
  name: string;
  value: number | null;
  tolerance: string;
  holds: boolean;
  /** During the fault phase: the share of its buckets in which the probe held. */
  held_share?: number;
  /**
   * `false` when the run stopped before it could read the probe here (the window after the method,
   * never reached): `holds` is then false but says nothing, and the run did not deviate for it.
   */
  judged?: false;
}

/** One probe's recovery: ms from the last heal until it held for `hold`, or null (never, or not judged). */
export interface RecoveryReading {
  probe: string;
  recovery_ms: number | null;
  /** `false` when the run stopped before the probe's recovery could be judged (its gate's detail says why). */
  judged?: false;
}

/**
 * A gate's verdict as the journal keeps it. `judged: false` marks a gate the run stopped before it
 * could judge (a phase it never reached, a checker with no read-back): `passed` is false, but it is
 * no failure, and the summary, junit.xml (`<skipped>`) and the report say "not judged".
 */
export interface JournalGate extends GateResult {
  judged?: false;
}

/** A rollback as it ran. */
export interface RollbackReading {
  heal: string;
  time: number;
  errors: string[];
}

/** The whole journal. */
export interface Journal {
  title: string;
  file?: string;
  status: RunStatus;
  /**
   * True when the steady state did not hold before or after the method (Chaos Toolkit's meaning), a step
   * of it could not be applied, or a chaos step's rule fired 0 times in its window.
   */
  deviated: boolean;
  seed: number;
  run_id: string;
  /** The command that replays this run (same seed, same scenario). */
  replay: string;
  /** When the run's clock started, after set-up: every time in the journal and history counts from it. */
  started_at: string;
  ended_at: string;
  /** From the start of set-up to the end: `setup_ms` of it came before `started_at`. */
  duration_ms: number;
  /** Set-up (the target started or reached, the run's key and webhooks made) before `started_at`, in ms. */
  setup_ms: number;
  target: { kind: string; base_url: string; proxy?: string };
  phases: Record<'baseline' | 'fault' | 'recovery', Window>;
  /** When the last heal began (ms since start: the runner sent what removes the fault), the origin of recovery time. */
  last_heal: number | null;
  load: { intended: number; dropped: number; ops: Record<string, { count: number; ok: number; failed: number; success_rate: number | null; cancelled?: number; cancelled_longest_ms?: number }> };
  steady_states: { before: ProbeReading[]; during: ProbeReading[]; after: ProbeReading[] };
  activities: Activity[];
  rollbacks: RollbackReading[];
  recovery: RecoveryReading[];
  gates: JournalGate[];
  checkers: CheckerResult[];
  /** Problems that did not stop the run (a heal that failed, a step the target refused). */
  errors: string[];
  outputs: { dir: string; journal: string; history: string; junit: string; report: string };
  scenario: Scenario;
}

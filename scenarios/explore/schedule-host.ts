// What one explored schedule runs against, set up for it and closed after it: a fresh in-process stack
// (explore-stack.ts), or the user's own service reached once for the exploration (explore-target.ts).
// run-schedule.ts drives either the same way: register, load, faults, heal, quiesce, judge.
import type { Adapter } from '../adapters/adapter.js';
import type { CheckerName } from '../checkers/registry.js';
import type { Receiver } from '../receiver/receiver.js';
import type { RunClock } from '../runner/run-clock.js';
import type { RunRecorder } from '../runner/run-recorder.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import type { Schedule, ScheduleShape } from './schedule.js';

/** One schedule's run, as a host sets it up. */
export interface ScheduleRun {
  schedule: Schedule;
  /** The run's seed: its load plan, its receiver's draws, its chaos rules' decisions. */
  seed: number;
  shape: ScheduleShape;
  /** Names what the run makes on the service (its key, its webhook path, its idempotency keys). */
  runId: string;
  /** The bound the run waits for deliveries to settle, written into its scenario. */
  quiesceMs: number;
  recorder: RunRecorder;
  /** The run's clock, read as each receipt arrives (it restarts once the set-up is done). */
  now: () => number;
}

/** The schedule's faults on the run's clock. */
export interface ScheduleFaults {
  /** Resolves when every fault has been applied and its window closed. */
  done: Promise<void>;
  /** Heals whatever is still in force. */
  healAll(): Promise<void>;
  /** Chaos injections made during the run (as far as the target says). */
  injections(): number;
  /** What went wrong applying or healing a fault: the schedule did not run as drawn. */
  problems(): string[];
}

/** A schedule's run, set up. */
export interface ScheduleHost {
  /** The schedule as a scenario: its load, webhooks and method. */
  scenario: Scenario;
  adapter: Adapter;
  receiver: Receiver;
  /** The URL to register as the run's webhook. */
  webhookUrl: string;
  /** The checkers that judge the run. */
  checkers: readonly CheckerName[];
  startFaults(clock: RunClock, signal: AbortSignal): ScheduleFaults;
  /** Undoes the run's set-up (its webhook registration, or the whole stack). */
  close(): Promise<void>;
}

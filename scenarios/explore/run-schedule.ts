// Runs one schedule end to end on its host (a fresh in-process stack, or the user's own service):
// registers the run's webhook, drives the load, applies and heals each fault on time, quiesces
// (bounded), reads back, and judges the history with the checkers.
import { setMaxListeners } from 'node:events';
import { hashSeed } from '../../chaos/src/index.js';
import type { CheckerResult } from '../checkers/checker.js';
import { runCheckers } from '../checkers/registry.js';
import type { HistoryRecord } from '../history/history.js';
import { driveLoad } from '../runner/load-driver.js';
import { quiesceAndRead } from '../runner/quiesce.js';
import { startRunClock, type RunClock } from '../runner/run-clock.js';
import { RunRecorder } from '../runner/run-recorder.js';
import type { Dynamo } from '../../reference-server/src/store/dynamo-client.js';
import { openStackHost, type ExploreStore } from './explore-stack.js';
import type { ExploreTarget } from './explore-target.js';
import { DEFAULT_QUIESCE_MS, DEFAULT_SHAPE, type Schedule, type ScheduleShape } from './schedule.js';

/** What one schedule's run showed. */
export interface ScheduleOutcome {
  valid: boolean;
  /** The checkers that failed (with counts and examples). */
  failed: CheckerResult[];
  history: HistoryRecord[];
  /** Chaos injections made during the run. */
  injections: number;
  ms: number;
}

/** How to run schedules: on fresh stacks over `store`, or on the user's service (`target`). */
export type ScheduleRunOptions = ({ store: ExploreStore; target?: undefined } | { target: ExploreTarget; store?: undefined }) & {
  seed: number;
  shape?: ScheduleShape;
  /** Longest wait for deliveries to settle after the load (default 4 s). */
  quiesceMs?: number;
  /** Adds middleware to a fresh stack's DynamoDB client (a seam for planting known bugs). */
  plant?: (dynamo: Dynamo) => void;
  /** Ends the run early (its faults healed, its host closed); the outcome is then of no use. */
  signal?: AbortSignal;
};

/** This process's explorations apart from another's (another process, or the same command run again). */
const EXPLORATION = `${process.pid}-${Date.now()}`;
let runCount = 0;

/**
 * Runs `schedule` once. Never throws for a finding: a broken invariant is `valid: false`. Throws when
 * the schedule could not run as drawn (its host did not start, a fault could not be applied or healed).
 */
export async function runSchedule(schedule: Schedule, options: ScheduleRunOptions): Promise<ScheduleOutcome> {
  const started = performance.now();
  const shape = options.shape ?? DEFAULT_SHAPE;
  const quiesceMs = options.quiesceMs ?? DEFAULT_QUIESCE_MS;
  // The run's id makes its idempotency keys and its webhook path: it must differ between two runs of
  // one schedule (a shrink revisits schedules, and a replay explores again against the same service),
  // or an idempotent service answers the earlier run's events, delivered to the earlier run's path. It
  // decides nothing the seed replays: the load and the faults draw from the seed alone.
  const runId = hashSeed(String(options.seed), JSON.stringify(schedule), EXPLORATION, String(++runCount)).toString(36);
  const recorder = new RunRecorder();
  let clock: RunClock = startRunClock();
  const run = { schedule, seed: options.seed, shape, runId, quiesceMs, recorder, now: () => clock.now() };
  const host = options.target ? await options.target.open(run) : await openStackHost(options.store, run, options.plant);
  const abort = new AbortController();
  // Every request in flight listens on the signal.
  setMaxListeners(0, abort.signal);
  const stop = () => abort.abort();
  options.signal?.addEventListener('abort', stop, { once: true });
  if (options.signal?.aborted) abort.abort();
  try {
    const { adapter, receiver, scenario } = host;
    const hooks = (await adapter.setup(host.webhookUrl, scenario.webhooks)).length;
    clock = startRunClock();
    const total = shape.baselineMs + shape.faultMs + shape.recoveryMs;
    const faults = host.startFaults(clock, abort.signal);
    await driveLoad({ scenario, durationMs: total, seed: options.seed, runId, adapter, clock, recorder, signal: abort.signal });
    await faults.done;
    await faults.healAll();
    const problems = faults.problems();
    if (problems.length > 0) throw new Error(`the schedule did not run as drawn: ${problems[0]}`);
    const { final } = await quiesceAndRead({ adapter, receiver, recorder, clock, webhooks: hooks, boundMs: quiesceMs, signal: abort.signal });
    recorder.history.push(final);
    const failed = runCheckers(host.checkers, recorder.history).filter((r) => !r.valid);
    return { valid: failed.length === 0, failed, history: recorder.history, injections: faults.injections(), ms: performance.now() - started };
  } finally {
    options.signal?.removeEventListener('abort', stop);
    abort.abort();
    await host.close();
  }
}

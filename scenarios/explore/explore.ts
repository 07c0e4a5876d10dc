// Exploration: fast-check draws fault schedules, each runs against a fresh in-process stack (or the
// user's own service, one schedule after another) and is judged by the history checkers; the first
// failure is shrunk (fewer faults, shorter, weaker, fewer events) to a minimal schedule and written as
// a scenario file that `aftershock run` replays.
import fc from 'fast-check';
import { hashSeed } from '../../chaos/src/index.js';
import type { CheckerResult } from '../checkers/checker.js';
import { startExploreStore, type ExploreStore } from './explore-stack.js';
import type { ExploreTarget } from './explore-target.js';
import { runSchedule, type ScheduleOutcome, type ScheduleRunOptions } from './run-schedule.js';
import { DEFAULT_QUIESCE_MS, DEFAULT_SHAPE, scheduleArbitrary, type ExploredService, type Schedule, type ScheduleShape } from './schedule.js';
import { faultName, type FaultFamily } from './vocabulary.js';

/** Budgets and knobs; every field has a default. */
export interface ExploreOptions {
  /** Schedules to try before stopping (default 50). Shrinking runs come on top. */
  runs?: number;
  /** Wall-clock budget in ms for exploring and shrinking together (default 5 minutes). */
  timeMs?: number;
  /** fast-check's seed: the same seed draws the same schedules (default: drawn). */
  seed?: number;
  /**
   * fast-check's path to one schedule of `seed`'s (a failure's `path`): runs that schedule first, and
   * shrinks from it when it fails, instead of exploring from the start.
   */
  path?: string;
  shape?: ScheduleShape;
  /** Largest number of faults per schedule (default 3). */
  maxFaults?: number;
  /** The fault families to draw from (default those of the in-process stacks: worker, dynamodb, receiver). */
  families?: readonly FaultFamily[];
  /** Longest wait for deliveries to settle after each schedule's load (default 4 s). */
  quiesceMs?: number;
  /**
   * The user's own service (started by the caller, who closes it): every schedule runs against it, at
   * its load's rate, with no worker crashes.
   * Default: a fresh in-process stack per schedule.
   */
  target?: ExploreTarget;
  /**
   * Stops the exploration (SIGINT, SIGTERM): the schedule running is stopped and healed, no other
   * starts, and the result says `signalled`; a failure found before it is kept, shrunk as far as it got.
   */
  signal?: AbortSignal;
  /** Adds middleware to each stack's DynamoDB client (a seam for planting known bugs). */
  plant?: ScheduleRunOptions['plant'];
  /** Called after each schedule's run. */
  onRun?: (event: { phase: 'explore' | 'shrink'; index: number; schedule: Schedule; outcome: ScheduleOutcome }) => void;
}

/** A minimal failing schedule. */
export interface ExploreFailure {
  schedule: Schedule;
  /** The chaos seed its run used (it goes into the scenario file). */
  runSeed: number;
  failed: CheckerResult[];
  /** fast-check's path to the shrunk counterexample, for `--path` style replay. */
  path: string;
  /** The phases it ran in (the default when absent): its scenario file must keep them. */
  shape?: ScheduleShape;
  /** The user's service it ran against (absent: the embedded stack). */
  service?: ExploredService;
  /** The quiescence bound it was judged under (absent: {@link DEFAULT_QUIESCE_MS}): its scenario file must keep it. */
  quiesceMs?: number;
}

/** What an exploration did. */
export interface ExploreResult {
  seed: number;
  /** Schedules drawn and run before a failure (or the budget) stopped the search. */
  explored: number;
  /** Runs spent shrinking a failure. */
  shrinkRuns: number;
  /** The time budget ended it. */
  interrupted: boolean;
  /** The caller's signal ended it. */
  signalled?: true;
  /** How many explored schedules held each fault, by short name. */
  faults: Record<string, number>;
  ms: number;
  failure?: ExploreFailure;
}

/** The chaos seed of one schedule's run: derived from the exploration seed and the schedule itself. */
export function runSeedOf(seed: number, schedule: Schedule): number {
  return hashSeed(String(seed), JSON.stringify(schedule)) % 2 ** 31;
}

/**
 * Explores until `runs` schedules passed, the time budget ran out, or one failed (then shrinks it).
 * @example const result = await explore({ runs: 20, seed: 7 }); if (result.failure) console.log(result.failure.schedule);
 */
export async function explore(options: ExploreOptions = {}): Promise<ExploreResult> {
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const shape = options.shape ?? DEFAULT_SHAPE;
  const started = performance.now();
  const { target } = options;
  const store: ExploreStore | undefined = target ? undefined : await startExploreStore();
  const on = (target ? { target } : { store: store! }) as { target: ExploreTarget } | { store: ExploreStore };
  const draw = { maxFaults: options.maxFaults, families: options.families ?? target?.offered, ...(target ? { rate: target.service.load.rate } : {}), crashes: !target };
  const faults: Record<string, number> = {};
  let explored = 0;
  let shrinkRuns = 0;
  /** Every failing schedule's run, by schedule: fast-check names the smallest, and its own failures go with it. */
  const failing = new Map<string, { schedule: Schedule; runSeed: number; failed: CheckerResult[] }>();
  try {
    // A schedule that cannot even start (the store died, a port ran out) is not a finding: it stops
    // the exploration instead of being shrunk as if it were one.
    let broken: unknown;
    // fast-check's time limit gives up on the schedule running at that moment without waiting for it:
    // that run is stopped (its faults healed, its webhook removed) and awaited below, before the store
    // stops or the service is closed under it, and not counted, so the budget overruns by a teardown,
    // not by a whole schedule.
    let running: Promise<unknown> | undefined;
    let over = false;
    const budget = new AbortController();
    // The signal ends it as the budget does, and fast-check's remaining runs then return at once.
    const onSignal = () => {
      over = true;
      budget.abort();
    };
    if (options.signal?.aborted) onSignal();
    options.signal?.addEventListener('abort', onSignal, { once: true });
    const property = fc.asyncProperty(scheduleArbitrary(shape, draw), async (schedule) => {
      if (broken !== undefined || over) return true;
      const runSeed = runSeedOf(seed, schedule);
      let outcome: ScheduleOutcome;
      try {
        const run = runSchedule(schedule, { ...on, seed: runSeed, shape, signal: budget.signal, ...(options.quiesceMs === undefined ? {} : { quiesceMs: options.quiesceMs }), ...(options.plant ? { plant: options.plant } : {}) });
        running = run.catch(() => undefined);
        outcome = await run;
      } catch (err) {
        if (!over) broken = err;
        return true;
      }
      if (over) return true;
      const phase = failing.size === 0 ? 'explore' : 'shrink';
      if (phase === 'explore') {
        explored++;
        for (const f of schedule.faults) faults[faultName(f.fault)] = (faults[faultName(f.fault)] ?? 0) + 1;
      } else shrinkRuns++;
      options.onRun?.({ phase, index: phase === 'explore' ? explored : shrinkRuns, schedule, outcome });
      if (!outcome.valid) failing.set(JSON.stringify(schedule), { schedule, runSeed, failed: outcome.failed });
      return outcome.valid;
    });
    const details = await fc.check(property, { seed, ...(options.path ? { path: options.path } : {}), numRuns: options.runs ?? 50, interruptAfterTimeLimit: options.timeMs ?? 300_000, markInterruptAsFailure: false });
    options.signal?.removeEventListener('abort', onSignal);
    over = true;
    budget.abort();
    await running;
    if (broken !== undefined) throw new Error(`exploration stopped: a schedule could not run: ${(broken as Error).message}`, { cause: broken });
    const result: ExploreResult = { seed, explored, shrinkRuns, interrupted: details.interrupted, ...(options.signal?.aborted ? { signalled: true as const } : {}), faults, ms: performance.now() - started };
    const found = details.failed && details.counterexample ? failing.get(JSON.stringify(details.counterexample[0])) : undefined;
    if (found) {
      result.failure = { ...found, path: details.counterexamplePath ?? '', shape, quiesceMs: options.quiesceMs ?? DEFAULT_QUIESCE_MS, ...(target ? { service: target.service } : {}) };
    }
    return result;
  } finally {
    await store?.stop();
  }
}

// Runs one schedule end to end against a fresh in-process stack: registers the receiver, drives the
// load, applies and heals each fault on time (chaos rules straight into the engine, receiver faults
// into the receiver), quiesces (bounded), reads back, and judges the history with the checkers.
import { setMaxListeners } from 'node:events';
import { createRandom, hashSeed } from '../../chaos/src/index.js';
import { createAdapter } from '../adapters/create-adapter.js';
import type { Adapter } from '../adapters/adapter.js';
import type { CheckerResult } from '../checkers/checker.js';
import { CHECKERS } from '../checkers/registry.js';
import type { HistoryRecord } from '../history/history.js';
import { startReceiver } from '../receiver/receiver.js';
import { driveLoad } from '../runner/load-driver.js';
import { quiesceAndRead } from '../runner/quiesce.js';
import { startRunClock, type RunClock } from '../runner/run-clock.js';
import { RunRecorder } from '../runner/run-recorder.js';
import { parseScenario } from '../scenario/parse-scenario.js';
import type { Dynamo } from '../../reference-server/src/store/dynamo-client.js';
import { startExploreStack, type ExploreStore } from './explore-stack.js';
import { DEFAULT_SHAPE, scheduleScenario, type Schedule, type ScheduleShape } from './schedule.js';
import type { ExploreFault } from './vocabulary.js';

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

/** How to run schedules. */
export interface ScheduleRunOptions {
  store: ExploreStore;
  seed: number;
  shape?: ScheduleShape;
  /** Longest wait for deliveries to settle after the load (default 4 s). */
  quiesceMs?: number;
  /** Adds middleware to the server's DynamoDB client (a seam for planting known bugs). */
  plant?: (dynamo: Dynamo) => void;
}

async function applyFault(f: ExploreFault, id: string, ctx: { engine: NonNullable<Awaited<ReturnType<typeof startExploreStack>>['chaos']>; receiver: Awaited<ReturnType<typeof startReceiver>> }): Promise<() => void> {
  if ('receiver' in f.fault) {
    ctx.receiver.inject(f.fault.receiver);
    return () => ctx.receiver.heal();
  }
  const { point, match, injector, probability } = f.fault.chaos;
  ctx.engine.upsertRules([{ id, point, match: match ?? {}, injector, probability: probability ?? 1, duration: f.for }]);
  return () => {
    // The rule carries its own duration and may have expired (and been retired) a moment earlier.
    if (ctx.engine.listRules().some((r) => r.id === id)) ctx.engine.removeRule(id);
  };
}

/** Runs `schedule` once. Never throws for a finding: a broken invariant is `valid: false`. */
export async function runSchedule(schedule: Schedule, options: ScheduleRunOptions): Promise<ScheduleOutcome> {
  const started = performance.now();
  const shape = options.shape ?? DEFAULT_SHAPE;
  const scenario = parseScenario(scheduleScenario(schedule, options.seed, shape));
  const runId = hashSeed(String(options.seed), JSON.stringify(schedule)).toString(36);
  const recorder = new RunRecorder();
  let clock: RunClock = startRunClock();
  let adapter: Adapter | undefined;
  const random = createRandom(hashSeed(String(options.seed), 'receiver'));
  const receiver = await startReceiver({ now: () => clock.now(), random: () => random.next(), identify: (h, b) => adapter!.identify(h, b), onReceipt: (r) => recorder.receipt(r) });
  const stack = await startExploreStack(options.store, options.seed, options.plant);
  const abort = new AbortController();
  // Every request in flight listens on the signal.
  setMaxListeners(0, abort.signal);
  try {
    const engine = stack.chaos!;
    adapter = createAdapter(scenario.adapter, { baseUrl: stack.url, adminToken: stack.adminToken, runId, env: {} });
    const hooks = (await adapter.setup(receiver.url, scenario.webhooks)).length;
    clock = startRunClock();
    const runClock = clock;
    const total = shape.baselineMs + shape.faultMs + shape.recoveryMs;
    const faults = schedule.faults.map(async (f, i) => {
      const id = `explore-${i + 1}`;
      await runClock.until(shape.baselineMs + f.at);
      const heal = await applyFault(f, id, { engine, receiver });
      recorder.history.push({ kind: 'fault', id, type: 'start', fault: 'receiver' in f.fault ? 'receiver' : `chaos:${f.fault.chaos.point}`, detail: f.fault, time: runClock.now() });
      await runClock.until(Math.min(total, shape.baselineMs + f.at + f.for));
      heal();
      recorder.history.push({ kind: 'fault', id, type: 'end', fault: 'receiver' in f.fault ? 'receiver' : `chaos:${f.fault.chaos.point}`, time: runClock.now() });
    });
    const faultsDone = Promise.all(faults);
    faultsDone.catch(() => undefined);
    await driveLoad({ scenario, durationMs: total, seed: options.seed, runId, adapter, clock, recorder, signal: abort.signal });
    await faultsDone;
    engine.heal();
    receiver.heal();
    const { final } = await quiesceAndRead({ adapter, receiver, recorder, clock, webhooks: hooks, boundMs: options.quiesceMs ?? 4000, signal: abort.signal });
    recorder.history.push(final);
    const results = Object.values(CHECKERS).map((check) => check(recorder.history));
    const failed = results.filter((r) => !r.valid);
    return { valid: failed.length === 0, failed, history: recorder.history, injections: engine.log.entries().length, ms: performance.now() - started };
  } finally {
    abort.abort();
    await stack.close();
    await receiver.close();
  }
}

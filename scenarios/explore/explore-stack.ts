// A fresh Triggers API for each explored schedule, in this process, over one embedded store shared by
// the whole exploration (each stack gets its own tables by prefix, so no state leaks between runs).
// Timers are short so a schedule settles in well under a second when nothing is wrong. A schedule's
// host there is the stack, a receiver of its own, and its faults applied straight into the engine.
import { randomBytes } from 'node:crypto';
import { createRandom, hashSeed, type ChaosEngine } from '../../chaos/src/index.js';
import { loadConfig, startEmbeddedStore, type EmbeddedStore } from '../../reference-server/src/index.js';
import type { Dynamo } from '../../reference-server/src/store/dynamo-client.js';
import { startTriggersApi, type TriggersApi } from '../../reference-server/src/triggers-api.js';
import { createAdapter } from '../adapters/create-adapter.js';
import type { Adapter } from '../adapters/adapter.js';
import { CHECKER_NAMES } from '../checkers/registry.js';
import { chaosRule } from '../faults/chaos-fault.js';
import { applyReceiverFault } from '../faults/receiver-fault.js';
import { startReceiver, type Receiver } from '../receiver/receiver.js';
import type { RunClock } from '../runner/run-clock.js';
import { parseScenario } from '../scenario/parse-scenario.js';
import { embeddedEnv } from '../target/embedded-env.js';
import { FAST_ENV } from './explore-env.js';
import { scheduleScenario } from './schedule.js';
import type { ScheduleHost, ScheduleRun } from './schedule-host.js';
import type { ExploreFault } from './vocabulary.js';

/** Raised by a crash injection instead of ending the process: the step's work is abandoned mid-way. */
export class WorkerCrash extends Error {
  constructor(readonly exitCode: number) {
    super(`worker crashed (exit ${exitCode}) at a fault point`);
  }
}

/** A store shared by the schedules of one exploration. */
export interface ExploreStore {
  endpoint: string;
  /** A table prefix no other schedule of this exploration has used. */
  nextPrefix(): string;
  stop(): Promise<void>;
}

/** Starts the shared embedded store (dynalite, in memory). */
export async function startExploreStore(): Promise<ExploreStore> {
  const store: EmbeddedStore = await startEmbeddedStore();
  let n = 0;
  const run = randomBytes(3).toString('hex');
  return { endpoint: store.endpoint, nextPrefix: () => `x${run}${++n}-`, stop: () => store.stop() };
}

/**
 * Starts one stack with chaos on (seeded) and crash injections turned into {@link WorkerCrash}: in
 * one process a crash cannot end the process, so it ends the unit of work at that step, leaving its
 * lease to expire exactly as a dead worker's would. `plant` reaches the server's DynamoDB client
 * before anything uses it (the seam the server offers for tests), to plant known bugs.
 */
export async function startExploreStack(store: ExploreStore, seed: number, plant?: (dynamo: Dynamo) => void): Promise<TriggersApi & { adminToken: string }> {
  // The embedded target's settings with FAST_ENV as its `target.env`: what a found scenario replays with.
  const env = { ...embeddedEnv(seed, { ...FAST_ENV }), DYNAMODB_ENDPOINT: store.endpoint, TABLE_PREFIX: store.nextPrefix() };
  const adminToken = `adm_${randomBytes(18).toString('base64url')}`;
  const api = await startTriggersApi(loadConfig(env), {
    adminToken,
    secretsKey: randomBytes(32).toString('base64url'),
    ...(plant ? { onDynamo: plant } : {}),
    chaos: {
      settings: { enabled: true, seed },
      exit: (code) => {
        throw new WorkerCrash(code);
      },
    },
  });
  return Object.assign(api, { adminToken });
}

/**
 * Applies one fault straight into the stack's engine or the receiver, as the runner's timeline applies
 * the step; resolves to its heal. A chaos rule is the one the runner sends ({@link chaosRule}), its
 * window included; a receiver fault replaces the one in force, whose heal then leaves it be.
 */
async function applyFault(f: ExploreFault, id: string, ctx: { engine: ChaosEngine; receiver: Receiver }): Promise<() => void | Promise<void>> {
  if ('receiver' in f.fault) return (await applyReceiverFault(f.fault.receiver, ctx.receiver)).heal;
  if (!('chaos' in f.fault)) throw new Error(`the in-process stack cannot take ${Object.keys(f.fault)[0]} faults`);
  ctx.engine.upsertRules([chaosRule(f.fault.chaos, id, f.for)]);
  return () => {
    // The rule carries its own duration and may have expired (and been retired) a moment earlier.
    if (ctx.engine.listRules().some((r) => r.id === id)) ctx.engine.removeRule(id);
  };
}

/**
 * Sets up a schedule's run on a fresh stack with a receiver of its own: the triggers-api adapter, every
 * checker, and the faults applied in this process (chaos rules into the stack's engine, receiver faults
 * into the receiver) on time. Closing stops the stack and the receiver.
 */
export async function openStackHost(store: ExploreStore, run: ScheduleRun, plant?: (dynamo: Dynamo) => void): Promise<ScheduleHost> {
  const { recorder, seed, shape, schedule } = run;
  const random = createRandom(hashSeed(String(seed), 'receiver'));
  const receiver = await startReceiver({ now: run.now, random: () => random.next(), identify: (h, b) => adapter.identify(h, b), onReceipt: (r) => recorder.receipt(r) });
  const stack = await startExploreStack(store, seed, plant).catch(async (err: unknown) => {
    await receiver.close();
    throw err;
  });
  const engine = stack.chaos!;
  const adapter: Adapter = createAdapter('triggers-api', { baseUrl: stack.url, adminToken: stack.adminToken, runId: run.runId, env: {} });
  const startFaults = (clock: RunClock, signal: AbortSignal) => {
    const total = shape.baselineMs + shape.faultMs + shape.recoveryMs;
    const faults = schedule.faults.map(async (f, i) => {
      // The id the runner's timeline gives the step (timeline.ts): the engine draws a rule's decisions
      // from (seed, rule id, point), so the written scenario's replay decides as this run did.
      const id = `aftershock-${seed}-${i + 1}`;
      const fault = 'receiver' in f.fault ? 'receiver' : `chaos:${'chaos' in f.fault ? f.fault.chaos.point : ''}`;
      await clock.until(shape.baselineMs + f.at, signal);
      if (signal.aborted) return;
      const heal = await applyFault(f, id, { engine, receiver });
      recorder.history.push({ kind: 'fault', id, type: 'start', fault, detail: f.fault, time: clock.now() });
      // A stopped run heals at once (healAll heals everything too, but the fault's end is recorded here).
      await clock.until(Math.min(total, shape.baselineMs + f.at + f.for), signal);
      await heal();
      recorder.history.push({ kind: 'fault', id, type: 'end', fault, time: clock.now() });
    });
    const done = Promise.all(faults).then(() => undefined);
    done.catch(() => undefined);
    return {
      done,
      healAll: async () => {
        engine.heal();
        receiver.heal();
      },
      injections: () => engine.log.entries().length,
      problems: () => [],
    };
  };
  return {
    scenario: parseScenario(scheduleScenario(schedule, seed, shape, 'Explored fault schedule', undefined, run.quiesceMs)),
    adapter,
    receiver,
    webhookUrl: receiver.url,
    checkers: CHECKER_NAMES,
    startFaults,
    close: async () => {
      await stack.close();
      await receiver.close();
    },
  };
}

// A schedule exploration finds is written as a scenario that `aftershock run` replays; the replay must
// apply its faults as the exploration did. Each test runs a schedule's faults both ways, on real stacks
// and receivers: as exploration runs it (its in-process host), and as the runner's timeline runs the
// written scenario's method against a stack's `/_chaos` control API and a receiver of its own.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ChaosEngine } from '../../../chaos/src/index.js';
import type { Dynamo } from '../../../reference-server/src/store/dynamo-client.js';
import { openStackHost, startExploreStack, startExploreStore, type ExploreStore } from '../../../scenarios/explore/explore-stack.js';
import { explore } from '../../../scenarios/explore/explore.js';
import { writeFoundScenario } from '../../../scenarios/explore/found-scenario.js';
import { scheduleScenario, type Schedule } from '../../../scenarios/explore/schedule.js';
import type { HistoryRecord } from '../../../scenarios/history/history.js';
import { startReceiver } from '../../../scenarios/receiver/receiver.js';
import { startRunClock, type RunClock } from '../../../scenarios/runner/run-clock.js';
import { RunRecorder } from '../../../scenarios/runner/run-recorder.js';
import { startTimeline } from '../../../scenarios/runner/timeline.js';
import { loadScenarioFile } from '../../../scenarios/scenario/load-scenario.js';
import { parseScenario } from '../../../scenarios/scenario/parse-scenario.js';
import { waitFor } from '../../support/wait-for.js';

const SEED = 12345;
const shape = { baselineMs: 100, faultMs: 1_000, recoveryMs: 100 };

/** One way of running a schedule's faults, as a probe sees it while they run. */
interface FaultRun {
  clock: RunClock;
  /** The engine the chaos rules went into, once one has. */
  engine(): ChaosEngine;
  webhookUrl: string;
  history: HistoryRecord[];
}

let store: ExploreStore;
let dir: string;
beforeAll(async () => {
  store = await startExploreStore();
  dir = await mkdtemp(join(tmpdir(), 'aftershock-explore-replay-'));
});
afterAll(async () => {
  await store?.stop();
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  vi.restoreAllMocks();
});

/** Runs `probe` while exploration's host applies the schedule's faults, then waits for their windows to close. */
async function explored<T>(schedule: Schedule, probe: (run: FaultRun) => Promise<T>): Promise<T> {
  // The host keeps its stack's engine to itself: it is the one the rules go into.
  const installs = vi.spyOn(ChaosEngine.prototype, 'upsertRules');
  const recorder = new RunRecorder();
  let clock = startRunClock();
  const host = await openStackHost(store, { schedule, seed: SEED, shape, runId: 'explored', quiesceMs: 1_000, recorder, now: () => clock.now() });
  try {
    clock = startRunClock();
    const faults = host.startFaults(clock, new AbortController().signal);
    const engine = () => installs.mock.contexts.at(-1) as ChaosEngine;
    const seen = await probe({ clock, engine, webhookUrl: host.webhookUrl, history: recorder.history });
    await faults.done;
    return seen;
  } finally {
    await host.close();
  }
}

/** Runs `probe` while the runner's timeline applies the written scenario's method, then waits for its windows to close. */
async function replayed<T>(schedule: Schedule, probe: (run: FaultRun) => Promise<T>): Promise<T> {
  const scenario = parseScenario(scheduleScenario(schedule, SEED, shape));
  const stack = await startExploreStack(store, scenario.seed!);
  const recorder = new RunRecorder();
  let clock = startRunClock();
  const receiver = await startReceiver({ now: () => clock.now(), random: () => 0, identify: () => ({ delivery_id: 'd', event_id: 'e', webhook_id: 'w' }), onReceipt: (r) => recorder.receipt(r) });
  try {
    const target = { baseUrl: stack.url, adminToken: stack.adminToken, webhookUrl: (url: string) => url, close: async () => undefined };
    clock = startRunClock();
    const timeline = startTimeline(scenario.method, { seed: scenario.seed!, target, receiver, clock, recorder, signal: new AbortController().signal, onError: () => undefined, onEvent: () => undefined });
    const seen = await probe({ clock, engine: () => stack.chaos!, webhookUrl: receiver.url, history: recorder.history });
    await timeline.done;
    expect(timeline.activities.map((a) => a.error).filter(Boolean)).toEqual([]);
    return seen;
  } finally {
    await receiver.close();
    await stack.close();
  }
}

/** The first rule of the run's engine once it is in it (pending or active). */
async function installedRule(run: FaultRun, state?: 'active') {
  return waitFor(() => run.engine()?.listRules().find((r) => state === undefined || r.state === state), { timeoutMs: 5_000, message: `a ${state ?? 'installed'} chaos rule` });
}

describe('a found schedule replays as it was explored', () => {
  it('makes the same chaos decisions: a probability ½ rule decides alike on the same seed', async () => {
    // A table no request writes to: the only draws from the rule are the probe's own.
    const match = { operation: 'PutItem', table: 'replay-probe' };
    const schedule: Schedule = { rate: 5, faults: [{ at: 0, for: 800, fault: { chaos: { point: 'dynamodb', match, injector: { kind: 'dynamodb_error', error: 'ThrottlingException' }, probability: 0.5 } } }] };
    const decide = async (run: FaultRun) => {
      await installedRule(run, 'active');
      const engine = run.engine();
      return Array.from({ length: 32 }, () => (engine.decide('dynamodb', match) ? 1 : 0)).join('');
    };
    const explore = await explored(schedule, decide);
    const replay = await replayed(schedule, decide);
    expect(explore).toMatch(/0.*1|1.*0/);
    expect(replay).toBe(explore);
  });

  it('gives a worker crash the window the replay gives it', async () => {
    // A crash rule waits a moment after its step starts (its process answers the control API first).
    const crash = { point: 'worker' as const, match: { loop: 'delivery', step: 'send' }, injector: { kind: 'crash' as const, exit_code: 137 }, probability: 0.5 };
    const schedule: Schedule = { rate: 5, faults: [{ at: 0, for: 300, fault: { chaos: crash } }] };
    const rule = async (run: FaultRun) => {
      const { installed_at: _i, starts_at: _s, ends_at: _e, state: _state, count: _count, ...stored } = await installedRule(run);
      return stored;
    };
    const explore = await explored(schedule, rule);
    const replay = await replayed(schedule, rule);
    expect(replay).toMatchObject({ start_after: 100, duration: 200 });
    expect(explore).toEqual(replay);
  });

  it('keeps a later receiver fault in force when an earlier one that it replaced ends', async () => {
    // 503 over [100, 400) ms of the run, then 500 from 200 ms until 1.2 s: the 503's heal at 400 ms
    // must leave the 500 in force, as the runner's receiver steps do.
    const schedule: Schedule = {
      rate: 5,
      faults: [
        { at: 0, for: 300, fault: { receiver: { status: 503 } } },
        { at: 100, for: 1_000, fault: { receiver: { status: 500 } } },
      ],
    };
    const answer = async (run: FaultRun) => {
      await waitFor(() => run.history.some((r) => r.kind === 'fault' && r.type === 'end'), { timeoutMs: 5_000, message: 'the first fault to end' });
      const status = await fetch(run.webhookUrl, { method: 'POST', body: '{}', signal: AbortSignal.timeout(2_000) }).then((res) => res.status);
      // Still inside the second step's window, so the answer was its to give.
      expect(run.clock.now()).toBeLessThan(1_200);
      return status;
    };
    const replay = await replayed(schedule, answer);
    const explore = await explored(schedule, answer);
    expect(replay).toBe(500);
    expect(explore).toBe(replay);
  });
});

/**
 * A server whose events cannot be read back once written (an event's GET finds nothing, the inbox lists
 * nothing): every schedule loses every event it acknowledged, faults or none.
 */
function unreadableEvents(dynamo: Dynamo): void {
  type Args = { input: Record<string, unknown> };
  const nothing = (output: Record<string, unknown>) => ({ output: { ...output, $metadata: { httpStatusCode: 200 } }, response: { statusCode: 200, headers: {} } });
  dynamo.doc.middlewareStack.add(
    ((next: (args: Args) => Promise<unknown>, context: { commandName?: string }) => async (args: Args) => {
      if (!/-events$/.test(String(args.input.TableName ?? ''))) return next(args);
      if (context.commandName === 'QueryCommand') return nothing({ Items: [], Count: 0 });
      if (context.commandName === 'GetItemCommand' && args.input.ProjectionExpression === undefined) return nothing({});
      return next(args);
    }) as never,
    { step: 'initialize', name: 'testUnreadableEvents' },
  );
}

describe('a found schedule is written with the quiesce it was judged under', () => {
  it('keeps a quiesce the exploration was given, for the embedded stacks too', async () => {
    // Every schedule fails, so the first is found, and the time budget ends its shrinking; short phases
    // and a short bound keep each schedule well inside it.
    const shape = { baselineMs: 50, faultMs: 200, recoveryMs: 50 };
    const result = await explore({ seed: 3, runs: 1, maxFaults: 1, families: ['receiver'], shape, quiesceMs: 100, timeMs: 5_000, plant: unreadableEvents });
    expect(result.failure, `nothing found in ${result.explored} schedules`).toBeDefined();
    expect(result.failure!.failed.map((c) => c.name)).toContain('no_lost_events');
    const { scenario } = await loadScenarioFile(await writeFoundScenario(dir, result.seed, result.failure!));
    expect(scenario.target.kind).toBe('embedded');
    expect(scenario.quiesce).toBe(100);
  }, 30_000);

  it('starts from the schedule a seed and a path name, as a found failure prints them', async () => {
    // Every schedule fails: the first is shrunk until the time budget ends, to the schedule at its path.
    const options = { seed: 5, runs: 1, maxFaults: 2, families: ['receiver'] as const, shape: { baselineMs: 50, faultMs: 200, recoveryMs: 50 }, quiesceMs: 100, plant: unreadableEvents };
    const found = (await explore({ ...options, timeMs: 15_000 })).failure;
    expect(found?.path).toMatch(/^\d+(:\d+)*$/);
    const replayed: Schedule[] = [];
    // Budget enough for the first schedule to run on a loaded machine (a fresh stack's start included): one
    // still running when the budget ends is stopped and not counted.
    const again = await explore({ ...options, path: found!.path, timeMs: 10_000, onRun: ({ schedule }) => void replayed.push(schedule) });
    expect(replayed[0]).toEqual(found!.schedule);
    expect(again.failure?.failed.map((c) => c.name)).toContain('no_lost_events');
  }, 60_000);

  it('writes the default bound a schedule ran under when the failure names none', async () => {
    const schedule: Schedule = { rate: 5, faults: [{ at: 0, for: 200, fault: { receiver: { status: 503 } } }] };
    const failed = [{ name: 'deliveries_complete', valid: false, counts: {}, examples: [] }];
    const { scenario } = await loadScenarioFile(await writeFoundScenario(dir, 91, { schedule, runSeed: 1, failed, path: '0' }));
    expect(scenario.quiesce).toBe(4_000);
  });
});

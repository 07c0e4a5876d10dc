// Exploration end to end on a small budget: schedules run against fresh in-process stacks and are
// judged by the checkers; a found schedule is written as a scenario that loads.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../reference-server/src/index.js';
import { startExploreStack, startExploreStore, type ExploreStore } from '../../../scenarios/explore/explore-stack.js';
import { explore } from '../../../scenarios/explore/explore.js';
import { writeFoundScenario } from '../../../scenarios/explore/found-scenario.js';
import { runSchedule } from '../../../scenarios/explore/run-schedule.js';
import type { Schedule } from '../../../scenarios/explore/schedule.js';
import { WORKER_STEPS } from '../../../scenarios/explore/vocabulary.js';
import { loadScenarioFile } from '../../../scenarios/scenario/load-scenario.js';
import { embeddedEnv } from '../../../scenarios/target/embedded-env.js';

// A 2.5 s outage from the first request on: a loaded machine may take a while to make the first attempt
// (the default 400 ms window saw no attempt at all in one run in three under load; a 1.5 s window, one
// full suite run in some dozens, with three forks and their child processes sharing two cores).
const outage: Schedule = { rate: 10, faults: [{ at: 0, for: 2_500, fault: { receiver: { status: 503 } } }] };
const outageShape = { baselineMs: 0, faultMs: 2_500, recoveryMs: 100 };
describe('aftershock explore', () => {
  let store: ExploreStore;
  let dir: string;

  beforeAll(async () => {
    store = await startExploreStore();
    dir = await mkdtemp(join(tmpdir(), 'aftershock-explore-'));
  });

  afterAll(async () => {
    await store.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('judges a schedule with the checkers: a receiver outage is seen and survived', async () => {
    const healthy = await runSchedule(outage, { store, seed: 3, shape: outageShape });
    expect(healthy.valid, JSON.stringify(healthy.failed)).toBe(true);
    const receipts = healthy.history.filter((r) => r.kind === 'receipt');
    const seen = receipts.map((r) => `${Math.round(r.start)} ms: ${r.status}`).slice(0, 5);
    expect(receipts.some((r) => r.status === 503), `first receipts: ${seen.join(', ') || 'none'}`).toBe(true);
  });

  it('explores a budget of schedules, counting the faults it drew', async () => {
    // Bounded by the run count alone: a time budget could stop a loaded machine after two schedules.
    const result = await explore({ seed: 5, runs: 3, families: ['receiver'] });
    expect(result.failure, JSON.stringify(result.failure)).toBeUndefined();
    expect(result.explored).toBe(3);
    expect(Object.values(result.faults).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(3);
    expect(Object.keys(result.faults).every((name) => name.startsWith('receiver'))).toBe(true);
  });

  it('stops the schedule running when the time budget ends instead of running it to its end', async () => {
    // Each schedule runs 8 s; the budget is 1.5 s. Run to its end, the first one alone would take the
    // exploration past 8 s.
    const shape = { baselineMs: 100, faultMs: 8_000, recoveryMs: 100 };
    const result = await explore({ seed: 11, runs: 3, families: ['receiver'], maxFaults: 1, shape, quiesceMs: 100, timeMs: 1_500 });
    expect(result.interrupted).toBe(true);
    expect(result.explored).toBe(0);
    expect(result.failure).toBeUndefined();
    expect(result.ms).toBeLessThan(shape.baselineMs + shape.faultMs + shape.recoveryMs);
  });

  it('writes a found schedule as a scenario that loads, with worker processes when it crashes a worker', async () => {
    const crash: Schedule = { rate: 5, faults: [{ at: 40, for: 200, fault: { chaos: { point: 'worker', match: { ...WORKER_STEPS[3] }, injector: { kind: 'crash', exit_code: 137 }, probability: 1 } } }] };
    const path = await writeFoundScenario(dir, 77, { schedule: crash, runSeed: 1234, failed: [{ name: 'no_lost_events', valid: false, counts: {}, examples: [] }], path: '0:0' });
    const { scenario } = await loadScenarioFile(path);
    expect(scenario.seed).toBe(1234);
    expect(scenario.target).toMatchObject({ kind: 'embedded', mode: 'processes' });
    expect(scenario.method).toHaveLength(1);
    expect(scenario.method[0]).toMatchObject({ at: 140, for: 200 });
  });

  it('writes the settings its stacks ran with into the scenario target, so a run replays under them', async () => {
    const runSeed = 4321;
    const stack = await startExploreStack(store, runSeed);
    const used = { ...stack.config };
    await stack.close();
    const path = await writeFoundScenario(dir, 78, { schedule: outage, runSeed, failed: [{ name: 'deliveries_complete', valid: false, counts: {}, examples: [] }], path: '0', shape: outageShape });
    const { scenario } = await loadScenarioFile(path);
    if (scenario.target.kind !== 'embedded') throw new Error(`target is ${scenario.target.kind}`);
    // What the embedded target builds its server config from (embedded-target.ts), for this file.
    const replayed = { ...loadConfig(embeddedEnv(scenario.seed!, scenario.target.env)) };
    for (const perStack of ['DYNAMODB_ENDPOINT', 'TABLE_PREFIX'] as const) {
      delete (used as Partial<typeof used>)[perStack];
      delete (replayed as Partial<typeof replayed>)[perStack];
    }
    expect(replayed).toEqual(used);
  });
});

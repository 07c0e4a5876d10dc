// Exploration finds a planted resilience bug: the planted bug loses acknowledged events only under
// the fault that exposes it, and explore draws that fault, shrinks the schedule to at most two faults,
// and writes a scenario file that loads.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExploreStore, type ExploreStore } from '../../../scenarios/explore/explore-stack.js';
import { explore } from '../../../scenarios/explore/explore.js';
import { writeFoundScenario } from '../../../scenarios/explore/found-scenario.js';
import { runSchedule } from '../../../scenarios/explore/run-schedule.js';
import type { Schedule } from '../../../scenarios/explore/schedule.js';
import { loadScenarioFile } from '../../../scenarios/scenario/load-scenario.js';
import { swallowCreateWriteErrors } from './support/planted-bugs.js';

const putItemErrors: Schedule = {
  rate: 10,
  faults: [{ at: 0, for: 400, fault: { chaos: { point: 'dynamodb', match: { operation: 'PutItem' }, injector: { kind: 'dynamodb_error', error: 'InternalServerError' }, probability: 1 } } }],
};

describe('explore against a planted bug', () => {
  let store: ExploreStore;
  let dir: string;

  beforeAll(async () => {
    store = await startExploreStore();
    dir = await mkdtemp(join(tmpdir(), 'aftershock-planted-'));
  });

  afterAll(async () => {
    await store.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('loses acknowledged events under PutItem errors only when the bug is planted', async () => {
    const planted = await runSchedule(putItemErrors, { store, seed: 3, plant: swallowCreateWriteErrors });
    expect(planted.failed.map((c) => c.name)).toContain('no_lost_events');
    const unplanted = await runSchedule(putItemErrors, { store, seed: 3 });
    expect(unplanted.failed.map((c) => c.name)).not.toContain('no_lost_events');
  });

  it('finds it from DynamoDB faults, shrinks it to at most two faults, and writes a scenario that loads', async () => {
    // Seed 2 draws a PutItem error in its first schedule; the time budget bounds the shrinking.
    const result = await explore({ seed: 2, runs: 10, timeMs: 12_000, families: ['dynamodb'], plant: swallowCreateWriteErrors });
    expect(result.failure, `nothing found in ${result.explored} schedules`).toBeDefined();
    const { schedule, failed } = result.failure!;
    expect(failed.map((c) => c.name)).toContain('no_lost_events');
    expect(schedule.faults.length).toBeLessThanOrEqual(2);
    expect(schedule.faults.some((f) => 'chaos' in f.fault && f.fault.chaos.match?.operation === 'PutItem' && f.fault.chaos.injector.kind === 'dynamodb_error')).toBe(true);
    const path = await writeFoundScenario(dir, result.seed, result.failure!);
    const { scenario } = await loadScenarioFile(path);
    expect(scenario.method).toHaveLength(schedule.faults.length);
    expect(scenario.seed).toBe(result.failure!.runSeed);
  }, 30_000);
});

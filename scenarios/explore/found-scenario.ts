// Writes a shrunk failing schedule as a scenario file `aftershock run` replays, headed by the
// command that found it.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { stringify } from 'yaml';
import type { ExploreFailure } from './explore.js';
import { DEFAULT_QUIESCE_MS, DEFAULT_SHAPE, scheduleScenario } from './schedule.js';

/**
 * Writes `<dir>/explore-<seed>.yaml` (creating `dir`), in the phases the failure ran in, with the
 * quiescence bound it was judged under, against the service it ran against (its target and adapter
 * blocks) or the embedded stack; resolves to its absolute path. `foundBy` is the exploration's command.
 */
export async function writeFoundScenario(dir: string, seed: number, failure: ExploreFailure, foundBy = `aftershock explore --seed ${seed}`): Promise<string> {
  const out = resolve(dir);
  await mkdir(out, { recursive: true });
  const path = join(out, `explore-${seed}.yaml`);
  const title = `Explored: ${failure.failed.map((c) => c.name).join(', ')} (seed ${seed})`;
  const scenario = scheduleScenario(failure.schedule, failure.runSeed, failure.shape ?? DEFAULT_SHAPE, title, failure.service, failure.quiesceMs ?? DEFAULT_QUIESCE_MS);
  await writeFile(path, `# Found by: ${foundBy} (fast-check path ${failure.path})\n${stringify(scenario)}`);
  return path;
}

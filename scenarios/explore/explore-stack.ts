// A fresh Triggers API for each explored schedule, in this process, over one embedded store shared by
// the whole exploration (each stack gets its own tables by prefix, so no state leaks between runs).
// Timers are short so a schedule settles in well under a second when nothing is wrong.
import { randomBytes } from 'node:crypto';
import { loadConfig, startEmbeddedStore, type EmbeddedStore } from '../../reference-server/src/index.js';
import type { Dynamo } from '../../reference-server/src/store/dynamo-client.js';
import { startTriggersApi, type TriggersApi } from '../../reference-server/src/triggers-api.js';
import { embeddedEnv } from '../target/embedded-env.js';
import { FAST_ENV } from './explore-env.js';

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

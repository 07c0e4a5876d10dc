// Runs the standalone worker (`npm run worker`) as a child process against a shared DynamoDB.
import { spawnEntry, type SpawnedEntry } from './spawn-entry.js';

export type SpawnedWorker = SpawnedEntry;

/** Starts a worker process and waits (bounded) until it reports running. WORKER_NODE_ARGS adds node flags (e.g. --cpu-prof). */
export async function spawnWorker(env: Record<string, string>): Promise<SpawnedWorker> {
  const nodeArgs = process.env.WORKER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const spawned = await spawnEntry('reference-server/src/workers/main.ts', env, (out) => out.includes('worker running'), nodeArgs);
  if (spawned.child.exitCode !== null) throw new Error(`worker exited early:\n${spawned.output()}`);
  return spawned;
}

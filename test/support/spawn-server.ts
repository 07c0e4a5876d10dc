// Runs the real `npm start` entry (reference-server/src/main.ts) as a child process, for tests of
// process-level behaviour: start-up output, signals, restarts.
import type { ChildProcess } from 'node:child_process';
import { spawnEntry } from './spawn-entry.js';

export interface SpawnedServer {
  child: ChildProcess;
  url: string;
  apiKey: string;
  output(): string;
  exited: Promise<number | null>;
}

/** Starts main.ts with `env` and waits for it to print its URL and key (bounded). SERVER_NODE_ARGS adds node flags (e.g. --cpu-prof). */
export async function spawnServer(env: Record<string, string>): Promise<SpawnedServer> {
  const spawned = await spawnEntry('reference-server/src/main.ts', env, (out) => /API key: (tr_\S+)/.test(out), process.env.SERVER_NODE_ARGS?.split(' ').filter(Boolean) ?? []);
  const out = spawned.output();
  const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
  const apiKey = /API key: (tr_\S+)/.exec(out)?.[1];
  if (!url || !apiKey) throw new Error(`server did not start:\n${out}`);
  return { ...spawned, url, apiKey };
}

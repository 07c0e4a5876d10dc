// Runs the standalone worker (`npm run worker`) as a child process against a shared DynamoDB.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { waitFor } from './wait-for.js';

const root = resolve(import.meta.dirname, '../..');

export interface SpawnedWorker {
  child: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
}

/** Starts a worker process and waits (bounded) until it reports running. */
export async function spawnWorker(env: Record<string, string>): Promise<SpawnedWorker> {
  // WORKER_NODE_ARGS adds node flags (e.g. --cpu-prof) for profiling runs.
  const extra = process.env.WORKER_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...extra, '--import', 'tsx', 'reference-server/src/workers/main.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  await waitFor(() => out.includes('worker running') || child.exitCode !== null, { timeoutMs: 20_000, message: 'worker start' });
  if (child.exitCode !== null) throw new Error(`worker exited early:\n${out}`);
  return { child, exited, output: () => out };
}

// Runs one of the project's TypeScript entry points as a child process (node + tsx), collecting its
// output and waiting — bounded — until it says it is ready. Shared by the server and worker spawners.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { waitFor } from './wait-for.js';

const root = resolve(import.meta.dirname, '../..');

export interface SpawnedEntry {
  child: ChildProcess;
  exited: Promise<number | null>;
  output(): string;
}

/** Starts `entry` with `env` (plus quiet test defaults) and waits until `ready(output)` or it exits. */
export async function spawnEntry(entry: string, env: Record<string, string>, ready: (output: string) => boolean, nodeArgs: string[] = []): Promise<SpawnedEntry> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', entry], {
    cwd: root,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  await waitFor(() => ready(out) || child.exitCode !== null, { timeoutMs: 20_000, message: `${entry} start` });
  return { child, exited, output: () => out };
}

// Runs the real `npm start` entry (reference-server/src/main.ts) as a child process, for tests of
// process-level behaviour: start-up output, signals, restarts.
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { waitFor } from './wait-for.js';

export interface SpawnedServer {
  child: ChildProcess;
  url: string;
  apiKey: string;
  output(): string;
  exited: Promise<number | null>;
}

const root = resolve(import.meta.dirname, '../..');

/** Starts main.ts with `env` and waits for it to print its URL and key (bounded). */
export async function spawnServer(env: Record<string, string>): Promise<SpawnedServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'reference-server/src/main.ts'], {
    cwd: root,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'warn', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  await waitFor(() => /API key: (tr_\S+)/.test(out) || child.exitCode !== null, { timeoutMs: 20_000, message: 'server start' });
  const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
  const apiKey = /API key: (tr_\S+)/.exec(out)?.[1];
  if (!url || !apiKey) throw new Error(`server did not start:\n${out}`);
  return { child, url, apiKey, output: () => out, exited };
}

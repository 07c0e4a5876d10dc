// Starts dynalite in a child process: in memory (tests) or on disk under a directory (npm start).
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { forkEntry } from './fork-entry.js';

/** A running embedded DynamoDB. */
export interface EmbeddedDynamo {
  endpoint: string;
  port: number;
  /** The store process's id. */
  pid: number;
  /** Stops the child and waits for it to exit (flushing the on-disk store). */
  stop(): Promise<void>;
  /** Kills the child at once, as a crash would. */
  kill(): void;
}

/**
 * Starts dynalite. `path` undefined keeps data in memory; a path keeps it on disk across restarts.
 * Rejects if the child does not report ready within `timeoutMs` (default 15 s). `nodeArgs` adds node
 * flags to the child (a benchmark profiles the store with `--cpu-prof`).
 * @example const db = await startEmbeddedDynamo({ path: '.data/dynamodb' }); ... await db.stop();
 */
export async function startEmbeddedDynamo(opts: { path?: string; port?: number; timeoutMs?: number; nodeArgs?: string[] } = {}): Promise<EmbeddedDynamo> {
  if (opts.path) mkdirSync(opts.path, { recursive: true });
  const { path, execArgv } = forkEntry('./dynalite-process.mjs', import.meta.url);
  const child: ChildProcess = fork(path, [], {
    execArgv: [...execArgv, ...(opts.nodeArgs ?? [])],
    env: { ...process.env, DYNALITE_PATH: opts.path ?? '', DYNALITE_PORT: String(opts.port ?? 0) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error('embedded DynamoDB (dynalite) did not start in time'));
    }, opts.timeoutMs ?? 15_000);
    child.once('message', (msg: { type: string; port?: number; message?: string }) => {
      clearTimeout(timer);
      if (msg.type === 'ready' && msg.port) resolve(msg.port);
      else reject(new Error(`embedded DynamoDB failed: ${msg.message ?? 'unknown error'}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`embedded DynamoDB exited with code ${code}`));
    });
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
    kill() {
      child.kill('SIGKILL');
    },
  };
}

// Runs `npm start` (main.ts) or `npm run worker` (workers/main.ts) as a child process that shares a
// DynamoDB with others, and resolves once the child reports ready over IPC. The entry is forked
// directly rather than through npm, so a kill reaches the server itself, as a crash would; built, it
// forks the compiled entry with plain Node (store/fork-entry.ts).
import { fork } from 'node:child_process';
import { forkEntry } from './store/fork-entry.js';

/** What a child process needs: the shared store and the server's secrets key. */
export interface ProcessOptions {
  /** The shared DynamoDB (e.g. from `startEmbeddedStore`); the child never owns it. */
  dynamodbEndpoint: string;
  secretsKey: string;
  tablePrefix?: string;
  /** Admin token of a server process (≥ 16 chars); it generates one when omitted. */
  adminToken?: string;
  /** Any other setting, as environment variables (e.g. `WORKER_ENABLED: 'false'`, `CHAOS_SEED`). */
  env?: Record<string, string>;
  /** Bound on start-up (default 30 s); the child is killed if it is not ready by then. */
  readyTimeoutMs?: number;
}

/** A running child process. */
export interface ChildStack {
  pid: number;
  /** The API's base URL (server), or the worker's metrics URL. */
  url: string;
  /** Sends a signal (default SIGTERM); `SIGKILL` crashes it. */
  kill(signal?: NodeJS.Signals): void;
  /** Sends a message over the IPC channel (e.g. a relayed chaos rule); false when the child is gone. */
  send(message: unknown): boolean;
  /** Its exit code (null when ended by a signal). */
  exited: Promise<number | null>;
  /** The last 64 KB of its stdout and stderr, for failure reports. */
  output(): string;
  /** SIGTERM, then SIGKILL if it has not exited within 15 s; resolves once it exited. */
  stop(): Promise<void>;
}

/** The message an entry sends its parent once it serves. */
export interface ReadyMessage {
  type: 'ready';
  url: string;
}

const OUTPUT_LIMIT = 64 * 1024;

/** Starts a Triggers API process (`npm start`) on a free loopback port. Rejects with its output if it exits or times out first. */
export function startServerProcess(options: ProcessOptions): Promise<ChildStack> {
  return startChild('./main', { ...(options.adminToken !== undefined && { ADMIN_TOKEN: options.adminToken }), BOOTSTRAP_KEY: 'false' }, options);
}

/** Starts a worker process (`npm run worker`); its `url` serves `/metrics`. Rejects like {@link startServerProcess}. */
export function startWorkerProcess(options: ProcessOptions): Promise<ChildStack> {
  return startChild('./workers/main', {}, options);
}

async function startChild(entry: string, own: Record<string, string>, options: ProcessOptions): Promise<ChildStack> {
  const { path, execArgv } = forkEntry(entry, import.meta.url);
  const child = fork(path, [], {
    execArgv,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      DYNAMODB_ENDPOINT: options.dynamodbEndpoint,
      SECRETS_KEY: options.secretsKey,
      ...(options.tablePrefix !== undefined && { TABLE_PREFIX: options.tablePrefix }),
      ...own,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_LIMIT);
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${entry} was not ready within ${options.readyTimeoutMs ?? 30_000} ms:\n${output}`));
    }, options.readyTimeoutMs ?? 30_000);
    child.on('message', (msg: Partial<ReadyMessage>) => {
      if (msg.type !== 'ready' || typeof msg.url !== 'string') return;
      clearTimeout(timer);
      resolve(msg.url);
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${entry} exited with code ${code} before it was ready:\n${output}`));
    });
  });
  return {
    pid: child.pid!,
    url,
    exited,
    output: () => output,
    kill: (signal = 'SIGTERM') => void child.kill(signal),
    // With a callback, a channel closed by a crash is reported here instead of as an 'error' event.
    send: (message) => child.connected && child.send(message as Parameters<typeof child.send>[0], () => undefined),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(force);
    },
  };
}

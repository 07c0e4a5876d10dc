// The embedded target as processes: one server and N worker processes sharing one store, each of which
// the runner can kill -9, stop, continue and start again with the same settings. The group also
// supervises them: one that exits without the runner asking (a `crash` injection) is started again.
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServerProcess, startWorkerProcess, type ChildStack } from '../../reference-server/src/index.js';
import type { ProcessChange, ProcessControl, ProcessRole } from './target.js';

/** A running group. */
export interface ProcessGroup extends ProcessControl {
  baseUrl: string;
  adminToken: string;
  /** The process id now in a slot (it changes when the process is started again). */
  pid(role: ProcessRole, index: number): number;
  close(): Promise<void>;
}

/**
 * Starts the server, then the workers (with `workers: 0` the server runs the workers itself). Rejects
 * (after stopping what started) when one is not ready.
 * @example const group = await startProcessGroup({ dynamodbEndpoint, env, workers: 3 });
 */
export async function startProcessGroup(options: { dynamodbEndpoint: string; env: Record<string, string>; workers: number }): Promise<ProcessGroup> {
  const secretsKey = randomBytes(32).toString('hex');
  const adminToken = `adm_${randomBytes(16).toString('hex')}`;
  const common = { dynamodbEndpoint: options.dynamodbEndpoint, secretsKey };
  // A DATA_DIR of the group's own, kept across restarts: there the server leaves its URL for the
  // workers' wake stream, and what it has not finished writing for its next start after a kill -9
  // (not the folder `npm start` uses in the runner's working directory).
  const dataDir = options.env.DATA_DIR ?? (await mkdtemp(join(tmpdir(), 'aftershock-processes-')));
  const env = { ...options.env, DATA_DIR: dataDir };
  const serverEnv = { ...env, WORKER_ENABLED: options.workers > 0 ? 'false' : 'true' };
  const children: Record<ProcessRole, ChildStack[]> = { server: [], worker: [] };
  // Exits the runner caused (kill actions, restarts, close): the supervisor leaves those alone.
  const expected = new WeakSet<ChildStack>();
  const listeners: ((change: ProcessChange) => void)[] = [];
  const tell = (change: ProcessChange) => listeners.forEach((l) => l(change));
  // Slots held stopped (SIGSTOP until SIGCONT): a process started in one while it is held (restarted
  // by a kill action, or by the supervisor after a crash) is stopped too, so the window holds for the
  // slot and not only for the process that was in it when it began.
  const stopped = new Set<string>();
  let closing = false;
  let restarting: Promise<unknown> = Promise.resolve();

  const launch = async (role: ProcessRole, index: number, port?: string): Promise<ChildStack> => {
    const child =
      role === 'server'
        ? await startServerProcess({ ...common, adminToken, env: port === undefined ? serverEnv : { ...serverEnv, PORT: port } })
        : await startWorkerProcess({ ...common, env });
    if (closing) {
      // The group closed while this one was starting (a supervised restart): it must not outlive it.
      expected.add(child);
      await child.stop();
      return child;
    }
    children[role][index] = child;
    if (stopped.has(`${role}#${index}`)) child.kill('SIGSTOP');
    void child.exited.then((code) => supervise(role, index, child, code));
    return child;
  };
  const supervise = async (role: ProcessRole, index: number, child: ChildStack, code: number | null) => {
    if (closing || expected.has(child) || children[role][index] !== child) return;
    const name = `${role}-${index + 1}`;
    tell({ process: name, action: 'exit', how: code === null ? 'signal' : `code ${code}` });
    // A restarted server must come back on the same port: clients and the load hold its URL.
    restarting = launch(role, index, role === 'server' ? new URL(child.url).port : undefined).then(
      () => {
        if (!closing) tell({ process: name, action: 'start' });
      },
      (err: Error) => tell({ process: name, action: 'exit', how: `restart failed: ${err.message.split('\n')[0]}` }),
    );
    await restarting;
  };
  const stopAll = async () => {
    closing = true;
    await restarting;
    for (const child of [...children.worker, ...children.server]) {
      child.kill('SIGCONT');
      await child.stop();
    }
    if (options.env.DATA_DIR === undefined) await rm(dataDir, { recursive: true, force: true });
  };
  try {
    await launch('server', 0);
    // One at a time: on two cores, parallel start-ups only make each slower.
    for (let i = 0; i < options.workers; i++) await launch('worker', i);
  } catch (err) {
    await stopAll();
    throw err;
  }
  const pick = (role: ProcessRole, index: number) => {
    const child = children[role][index];
    if (!child) throw new Error(`no ${role} ${index + 1}: this target runs ${children[role].length}`);
    return child;
  };
  return {
    baseUrl: children.server[0]!.url,
    adminToken,
    signal(role, index, signal) {
      const child = pick(role, index);
      if (signal === 'SIGKILL' || signal === 'SIGTERM' || signal === 'SIGINT') expected.add(child);
      if (signal === 'SIGSTOP') stopped.add(`${role}#${index}`);
      if (signal === 'SIGCONT') stopped.delete(`${role}#${index}`);
      child.kill(signal);
      return `${role}-${index + 1}`;
    },
    async restart(role, index) {
      const old = pick(role, index);
      expected.add(old);
      old.kill('SIGKILL');
      await old.exited;
      await launch(role, index, role === 'server' ? new URL(old.url).port : undefined);
      return `${role}-${index + 1}`;
    },
    pid: (role, index) => pick(role, index).pid,
    watch(listener) {
      listeners.push(listener);
    },
    relayChaos(message) {
      for (const child of children.worker) child.send(message);
    },
    close: stopAll,
  };
}

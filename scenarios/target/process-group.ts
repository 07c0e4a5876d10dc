// The embedded target as processes: one server (workers off) and N worker processes sharing one store,
// each of which the runner can kill -9, stop, continue and start again with the same settings.
import { randomBytes } from 'node:crypto';
import { startServerProcess, startWorkerProcess, type ChildStack } from '../../reference-server/src/index.js';
import type { ProcessControl, ProcessRole } from './target.js';

/** A running group. */
export interface ProcessGroup extends ProcessControl {
  baseUrl: string;
  adminToken: string;
  close(): Promise<void>;
}

/**
 * Starts the server, then the workers. Rejects (after stopping what started) when one is not ready.
 * @example const group = await startProcessGroup({ dynamodbEndpoint, env, workers: 3 });
 */
export async function startProcessGroup(options: { dynamodbEndpoint: string; env: Record<string, string>; workers: number }): Promise<ProcessGroup> {
  const secretsKey = randomBytes(32).toString('hex');
  const adminToken = `adm_${randomBytes(16).toString('hex')}`;
  const common = { dynamodbEndpoint: options.dynamodbEndpoint, secretsKey };
  const start = (role: ProcessRole): Promise<ChildStack> =>
    role === 'server'
      ? startServerProcess({ ...common, adminToken, env: { ...options.env, WORKER_ENABLED: options.workers > 0 ? 'false' : 'true' } })
      : startWorkerProcess({ ...common, env: options.env });
  const children: Record<ProcessRole, ChildStack[]> = { server: [], worker: [] };
  const stopAll = async () => {
    for (const child of [...children.worker, ...children.server]) {
      child.kill('SIGCONT');
      await child.stop();
    }
  };
  try {
    children.server.push(await start('server'));
    // One at a time: on two cores, parallel start-ups only make each slower.
    for (let i = 0; i < options.workers; i++) children.worker.push(await start('worker'));
  } catch (err) {
    await stopAll();
    throw err;
  }
  const baseUrl = children.server[0]!.url;
  const pick = (role: ProcessRole, index: number) => {
    const child = children[role][index];
    if (!child) throw new Error(`no ${role} ${index + 1}: this target runs ${children[role].length}`);
    return child;
  };
  return {
    baseUrl,
    adminToken,
    signal(role, index, signal) {
      pick(role, index).kill(signal);
      return `${role}-${index + 1}`;
    },
    async restart(role, index) {
      const old = pick(role, index);
      old.kill('SIGKILL');
      await old.exited;
      // A restarted server must come back on the same port: clients and the load hold its URL.
      const port = new URL(old.url).port;
      children[role][index] =
        role === 'server'
          ? await startServerProcess({ ...common, adminToken, env: { ...options.env, PORT: port, WORKER_ENABLED: options.workers > 0 ? 'false' : 'true' } })
          : await start(role);
      return `${role}-${index + 1}`;
    },
    close: stopAll,
  };
}

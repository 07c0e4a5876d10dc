// A target the runner starts from a command line (the user's own service), waits on until its ready
// URL answers 2xx, can stop / continue / kill / restart, and stops at the end of the run.
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CommandTarget } from '../scenario/target-schema.js';
import { ScenarioError } from '../scenario/scenario-error.js';
import type { ProxyLinks } from './proxy-links.js';
import type { TargetHandle } from './target.js';

/** What starting a command needs: the links (so the command can be told where its receiver link is). */
export interface CommandTargetOptions {
  proxies: ProxyLinks;
  receiverAddress: string;
  env: Record<string, string | undefined>;
}

async function waitReady(url: string, timeoutMs: number, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new ScenarioError('setup_failed', `the target command exited (${child.exitCode ?? child.signalCode}) before ${url} was ready`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(1_000) }).then((r) => (void r.body?.cancel(), r.ok)).catch(() => false);
    if (ok) return;
    await sleep(100);
  }
  throw new ScenarioError('target_unreachable', `${url} was not ready within ${timeoutMs} ms; check target.run and target.ready_url`);
}

/**
 * Starts `spec.run` in a shell (its own process group, so signals reach the whole service) with
 * `AFTERSHOCK_RECEIVER_LINK` set to the receiver link's address. Throws `ScenarioError` when it exits
 * or is not ready in time (after killing it).
 */
export async function startCommandTarget(spec: CommandTarget, options: CommandTargetOptions): Promise<TargetHandle> {
  const receiver = await options.proxies.link('receiver', options.receiverAddress);
  let child: ChildProcess;
  const start = () => {
    child = spawn(spec.run, {
      shell: true,
      detached: true,
      cwd: spec.cwd,
      stdio: 'ignore',
      env: { ...process.env, ...spec.env, AFTERSHOCK_RECEIVER_LINK: receiver.route.listen },
    });
    return child;
  };
  const signalGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      child.kill(signal);
    }
  };
  const exited = () => (child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise<void>((r) => child.once('exit', () => r())));
  const stop = async () => {
    signalGroup('SIGCONT');
    signalGroup('SIGTERM');
    const force = setTimeout(() => signalGroup('SIGKILL'), 5_000);
    await exited();
    clearTimeout(force);
  };
  start();
  try {
    await waitReady(spec.ready_url, spec.ready_timeout, child!);
  } catch (err) {
    await stop();
    throw err;
  }
  const baseUrl = (spec.base_url ?? new URL(spec.ready_url).origin).replace(/\/+$/, '');
  return {
    baseUrl,
    adminToken: options.env[spec.admin_token_env] || undefined,
    proxies: options.proxies,
    processes: {
      signal(role, _index, signal) {
        signalGroup(signal);
        return role;
      },
      async restart(role) {
        signalGroup('SIGKILL');
        await exited();
        start();
        await waitReady(spec.ready_url, spec.ready_timeout, child);
        return role;
      },
    },
    webhookUrl: (url) => receiver.route.rewrite(url),
    close: stop,
  };
}

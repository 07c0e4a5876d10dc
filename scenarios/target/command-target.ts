// A target the runner starts from a command line (the user's own service), waits on until its ready
// URL answers 2xx, can stop / continue / kill / restart, and stops at the end of the run.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { timedRequest } from '../adapters/timed-request.js';
import type { CommandTarget } from '../scenario/target-schema.js';
import { ScenarioError } from '../scenario/scenario-error.js';
import type { ProxyLinks } from './proxy-links.js';
import type { ProcessChange, TargetHandle } from './target.js';

/** What starting a command needs: the links (so the command can be told where its receiver link is). */
export interface CommandTargetOptions {
  proxies: ProxyLinks;
  receiverAddress: string;
  env: Record<string, string | undefined>;
  /**
   * Stops the wait for the ready URL at once (a Ctrl-C during start-up), at the start and at every
   * restart: the command is stopped and `ScenarioError` `setup_failed` thrown, not held to ready_timeout.
   */
  signal?: AbortSignal;
}

/** A line that names a failure, in the words runtimes and servers use. */
const ERROR_LINE = /(error|exception)\b|\b(fatal|panic|cannot|can't|refused|denied|not found|no such|EADDRINUSE|EACCES)\b/i;

/** The last lines a command wrote (stdout and stderr together), kept so a failed start can quote them. */
class OutputTail {
  private lines: string[] = [];
  private partial = '';
  /** Set when the command could not be started at all (its shell or working folder missing). */
  spawnError: Error | undefined;

  constructor(private readonly keep = 20) {}

  /** Reads `stream` to its end (a pipe nobody reads would block the command once it is full). */
  follow(stream: NodeJS.ReadableStream | null): void {
    stream?.on('data', (chunk: Buffer) => {
      const parts = (this.partial + chunk.toString('utf8')).split('\n');
      this.partial = parts.pop()!.slice(-1_000);
      this.lines.push(...parts.filter((l) => l.trim() !== '').map((l) => l.slice(0, 1_000)));
      if (this.lines.length > this.keep) this.lines.splice(0, this.lines.length - this.keep);
    });
  }

  /**
   * `; it wrote: "<line>"`: the last line that reads like an error (a runtime's trailer such as
   * "Node.js v20…" comes after the error it closes), else its last line; nothing when it wrote nothing.
   */
  quote(): string {
    const lines = this.partial.trim() !== '' ? [...this.lines, this.partial] : this.lines;
    const line = (lines.findLast((l) => ERROR_LINE.test(l)) ?? lines.at(-1))?.trim();
    return line ? `; it wrote: ${JSON.stringify(line.length > 200 ? `${line.slice(0, 200)}…` : line)}` : '';
  }
}

/** Why a wait ended early: the run was stopped. */
const stoppedWaiting = (url: string) => new ScenarioError('setup_failed', `stopped while waiting for ${url} to be ready`);

async function waitReady(url: string, timeoutMs: number, child: ChildProcess, output: OutputTail, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (signal?.aborted) throw stoppedWaiting(url);
    if (output.spawnError) throw new ScenarioError('setup_failed', `cannot start the target command: ${output.spawnError.message}; check target.run and target.cwd`);
    if (child.exitCode !== null || child.signalCode !== null) {
      // What it wrote last may still be in the pipes: wait (bounded) for them to close.
      await Promise.race([once(child, 'close'), sleep(500)]);
      throw new ScenarioError('setup_failed', `the target command exited (${child.exitCode ?? child.signalCode}) before ${url} was ready${output.quote()}`);
    }
    // undici's request rather than fetch, as url-target.ts: fetch refuses some ports outright (6000,
    // 5060, 10080, …), and a service listening on one would never be ready.
    const attempt = AbortSignal.timeout(1_000);
    const res = await timedRequest(url, {}, 1_000, signal ? AbortSignal.any([signal, attempt]) : attempt);
    if (res.status >= 200 && res.status < 300) return;
    await sleep(100, undefined, signal && { signal }).catch(() => undefined);
  }
  if (signal?.aborted) throw stoppedWaiting(url);
  throw new ScenarioError('target_unreachable', `${url} was not ready within ${timeoutMs} ms; check target.run and target.ready_url${output.quote()}`);
}

/**
 * Starts `spec.run` in a shell (its own process group, so signals reach the whole service) with
 * `AFTERSHOCK_RECEIVER_LINK` set to the receiver link's address. Throws `ScenarioError` when it exits,
 * is not ready in time, or `options.signal` stops the wait (after stopping it).
 */
export async function startCommandTarget(spec: CommandTarget, options: CommandTargetOptions): Promise<TargetHandle> {
  const receiver = await options.proxies.link('receiver', options.receiverAddress);
  let child: ChildProcess;
  let output = new OutputTail();
  // Exits the runner asked for (a kill action, a restart, the end of the run) are not news; any other
  // exit is told to the watcher, with what the command wrote last.
  let asked = false;
  let watcher: ((change: ProcessChange) => void) | undefined;
  // Held stopped (SIGSTOP until SIGCONT): a restart inside the window is stopped again once ready.
  let stopped = false;
  const start = () => {
    asked = false;
    child = spawn(spec.run, {
      shell: true,
      detached: true,
      cwd: spec.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...spec.env, AFTERSHOCK_RECEIVER_LINK: receiver.route.listen },
    });
    output = new OutputTail();
    output.follow(child.stdout);
    output.follow(child.stderr);
    const self = child;
    const tail = output;
    // Without a listener, a command that cannot be spawned would end the runner's own process.
    self.once('error', (err) => {
      tail.spawnError = err;
    });
    self.once('close', (code, signal) => {
      if (asked || self !== child) return;
      const how = String(code ?? signal);
      watcher?.({ process: 'server', action: 'exit', how, note: `the target command exited (${how}) without the runner asking${tail.quote()}` });
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
    asked = true;
    signalGroup('SIGCONT');
    signalGroup('SIGTERM');
    const force = setTimeout(() => signalGroup('SIGKILL'), 5_000);
    await exited();
    clearTimeout(force);
  };
  start();
  try {
    await waitReady(spec.ready_url, spec.ready_timeout, child!, output, options.signal);
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
        if (signal === 'SIGKILL' || signal === 'SIGTERM') asked = true;
        if (signal === 'SIGSTOP' || signal === 'SIGCONT') stopped = signal === 'SIGSTOP';
        signalGroup(signal);
        return role;
      },
      async restart(role) {
        asked = true;
        signalGroup('SIGKILL');
        await exited();
        start();
        await waitReady(spec.ready_url, spec.ready_timeout, child, output, options.signal);
        if (stopped) signalGroup('SIGSTOP');
        return role;
      },
      watch(listener) {
        watcher = listener;
      },
    },
    webhookUrl: (url) => receiver.route.rewrite(url),
    close: stop,
  };
}

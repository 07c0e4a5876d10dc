// What the runner needs from a service under test, whichever way it was reached: where it answers,
// the admin token, the links its traffic goes through, and the processes the runner may signal.
import type { ChaosRelayMessage } from '../../reference-server/src/index.js';
import type { ProxyLinks } from './proxy-links.js';

/** A process role a `process` fault or a `kill` action names. */
export type ProcessRole = 'server' | 'worker';

/** The processes of a target the runner started itself. */
export interface ProcessControl {
  /** Sends `signal` to the `index`-th process of `role`; returns the name it is known by (`worker-1`). */
  signal(role: ProcessRole, index: number, signal: NodeJS.Signals): string;
  /** Starts the `index`-th process of `role` again after it died (same store, same settings). */
  restart(role: ProcessRole, index: number): Promise<string>;
  /**
   * Tells `listener` what the target's own supervision did: a process that exited without the runner
   * asking (a crash injection, an error) and its restart. Absent when the target restarts nothing.
   */
  watch?(listener: (change: ProcessChange) => void): void;
  /** Sends a chaos message to every worker process (they have no `/_chaos` API of their own). */
  relayChaos?(message: ChaosRelayMessage): void;
}

/** A process exiting on its own, or started again by its supervisor. */
export interface ProcessChange {
  /** e.g. `server-1`. */
  process: string;
  action: 'exit' | 'start';
  /** On `exit`: the exit code, or the signal that ended it. */
  how?: string;
  /** A line for the run's problems, when the exit is one (a service of one's own that died mid-run). */
  note?: string;
}

/** A reachable target. */
export interface TargetHandle {
  /** The service's base URL, as the load reaches it. */
  baseUrl: string;
  /** The admin token (keys, `/_chaos`); undefined when the adapter needs none. */
  adminToken: string | undefined;
  /** The fault proxy and its links; absent when the target's traffic cannot be rewired (url targets). */
  proxies?: ProxyLinks;
  /** Present when the runner owns the processes (embedded processes, command). */
  processes?: ProcessControl;
  /** How a webhook URL the runner registers must be written so the target reaches it (through the receiver link). */
  webhookUrl(receiverUrl: string): string;
  /** Stops whatever the runner started. Idempotent. */
  close(): Promise<void>;
}

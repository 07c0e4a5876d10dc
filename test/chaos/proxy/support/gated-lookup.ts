// A host lookup the test controls: every lookup waits until the test opens the gate, so concurrent
// API calls can be lined up inside a bind deterministically instead of by timing luck.
import { Server } from 'node:net';
import type { HostLookup } from '../../../../chaos/src/proxy/address.js';

/** A lookup that resolves every name to 127.0.0.1 once `open()` was called. */
export interface GatedLookup {
  lookup: HostLookup;
  /** Names asked for so far, in order. */
  asked: string[];
  /** Lets waiting and later lookups resolve. */
  open(): void;
}

/** Creates a closed gate. */
export function gatedLookup(): GatedLookup {
  let release: () => void = () => {};
  const opened = new Promise<void>((resolve) => (release = resolve));
  const asked: string[] = [];
  return {
    asked,
    lookup: async (host) => {
      asked.push(host);
      await opened;
      return '127.0.0.1';
    },
    open: () => release(),
  };
}

/**
 * Follows the TCP servers that start listening from now on: how many of them listen still. Only these
 * count, not every listener of the process: with forks shared between files, a server of an earlier
 * file that finished closing during a test moved a process-wide count, and the count never came back.
 */
export function trackListeners(): { listening(): number; stop(): void } {
  const servers = new Set<Server>();
  const listen = Server.prototype.listen;
  Server.prototype.listen = function (this: Server, ...args: unknown[]) {
    servers.add(this);
    return (listen as (...a: unknown[]) => Server).apply(this, args);
  } as typeof listen;
  return {
    listening: () => [...servers].filter((server) => server.listening).length,
    stop: () => void (Server.prototype.listen = listen),
  };
}

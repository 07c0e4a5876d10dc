// A host lookup the test controls: every lookup waits until the test opens the gate, so concurrent
// API calls can be lined up inside a bind deterministically instead of by timing luck.
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

/** How many TCP listeners this process holds (API servers, proxies, test servers). */
export function listenerCount(): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === 'TCPServerWrap').length;
}

// Work that no chaos rule may touch: the chaos package's own bookkeeping, such as the control API's
// audit entry of the rule it just installed. Carried through async calls, so the fault points deep
// below (the DynamoDB client) see it; the engine decides nothing for calls made inside it.
import { AsyncLocalStorage } from 'node:async_hooks';

const outside = new AsyncLocalStorage<true>();

/**
 * Runs `fn`, and every call it makes, past every chaos rule of every engine in this process. Returns
 * what `fn` returns. Turns on Node's async context tracking the first time it runs.
 * @example await outsideChaos(() => audit.record(entry));
 */
export function outsideChaos<T>(fn: () => T): T {
  return outside.run(true, fn);
}

/** Whether the current call was started inside {@link outsideChaos}. */
export function isOutsideChaos(): boolean {
  return outside.getStore() === true;
}

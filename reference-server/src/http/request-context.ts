// The current request's id, carried through async calls (AsyncLocalStorage), so code far from the
// HTTP layer — the DynamoDB fault point — can name the request it works for. The server carries it only
// while chaos is enabled (http/request-id.ts): AsyncLocalStorage turns on promise hooks process-wide.
import { AsyncLocalStorage } from 'node:async_hooks';

const storage = new AsyncLocalStorage<{ requestId: string }>();

/** Runs `fn` with `requestId` as the current request. */
export function runWithRequestId<T>(requestId: string, fn: () => T): T {
  return storage.run({ requestId }, fn);
}

/** The id of the request being served, if any. */
export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

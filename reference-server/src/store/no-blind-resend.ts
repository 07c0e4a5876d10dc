// Writes that must not land twice blind. When an attempt's answer is lost (a 5xx, a timeout, a dropped
// connection) the store may have applied it, and the SDK's retry loop sends it again. For most writes
// that is harmless or their own condition catches it (conditional-write.ts). An unconditional write of
// an item that others may take and change as soon as it lands is different: a copy landing after them
// undoes their work (a queued delivery written back over the delivered one). Such a call is not sent
// again after an attempt with an unknown outcome: it fails with OutcomeUnknownError, and the caller
// finds out by reading what landed. An attempt the store certainly refused (a 4xx: throttling,
// validation) is still retried by the SDK as usual.
//
// Written by hand because the SDK's retry strategy sees the error, not the command, so it cannot be
// told per call; this middleware sits inside the retry loop of the one command it is added to.
import type { FinalizeRequestMiddleware, MiddlewareStack } from '@smithy/types';

/** A write's attempt ended without an answer that says whether it landed; it was not sent again. */
export class OutcomeUnknownError extends Error {
  override readonly name = 'OutcomeUnknownError';
  /**
   * The attempt's own error. Not `cause`: the SDK's retry strategy looks through `cause`, and would
   * take this error for the transient one it wraps and retry it.
   */
  readonly attemptError: unknown;

  constructor(attemptError: unknown) {
    super(`the write may or may not have landed: ${(attemptError as Error | undefined)?.message ?? String(attemptError)}`);
    this.attemptError = attemptError;
  }
}

/** Whether a failed attempt may still have been applied: no answer at all, or a server-side fault. */
export function mayHaveLanded(err: unknown): boolean {
  const status = (err as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
  return status === undefined || status >= 500;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any command of any client
type AnyStack = MiddlewareStack<any, any>;

/** Makes `command` fail, instead of being sent again, once an attempt of it may have landed unseen. */
export function refuseBlindResends(command: { middlewareStack: AnyStack }): void {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any command of any client
  const refuse: FinalizeRequestMiddleware<any, any> = (next) => async (args) => {
    try {
      return await next(args);
    } catch (err) {
      throw mayHaveLanded(err) && !isAbort(err) ? new OutcomeUnknownError(err) : err;
    }
  };
  command.middlewareStack.addRelativeTo(refuse, { relation: 'after', toMiddleware: 'retryMiddleware', name: 'refuseBlindResends', override: true });
}

/** The caller's own abort (its deadline): the SDK never retries it, and the caller knows what it means. */
const isAbort = (err: unknown) => (err as Error | undefined)?.name === 'AbortError';

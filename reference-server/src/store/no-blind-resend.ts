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
// told per call. One middleware per client sits inside the retry loop and watches only the calls
// marked with refuseBlindResends (on their input): a per-command middleware cost the sender ~5 % more
// CPU per BatchWriteItem, and this costs a property read.
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

/**
 * A marked call's state, on its input under MARK: `after` is `undefined` while no attempt went out,
 * else what the last attempt that went through this client's transport left (an error, or `landed`
 * when it came back answered and the answer was lost above, as a fault point can do). On the input
 * itself rather than looked up by the input's identity, so a middleware that sends a copy made with a
 * spread (the fault point's partial batch sends part of the items) carries the same state.
 */
interface Mark {
  after?: unknown;
}
const MARK = Symbol('refuse blind resends');
const LANDED = Symbol('landed');
const markOf = (input: unknown): Mark | undefined => (input !== null && typeof input === 'object' ? (input as { [MARK]?: Mark })[MARK] : undefined);

/** Marks `command` so its client (guarded by guardBlindResends) fails it rather than send it again blind. */
export function refuseBlindResends(command: { input: object }): void {
  (command.input as { [MARK]?: Mark })[MARK] = {};
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any command of any client
type AnyStack = MiddlewareStack<any, any>;

/**
 * Installs, once per client, the middleware that keeps marked calls from being sent again blind. It
 * sits inside the SDK's retry loop, and sees every attempt that reaches the transport, whichever
 * other middleware (a fault point) sits around it.
 */
export function guardBlindResends(client: { middlewareStack: AnyStack }): void {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any command of any client
  const guard: FinalizeRequestMiddleware<any, any> = (next) => async (args) => {
    const state = markOf(args.input);
    if (state === undefined) return next(args);
    if (state.after !== undefined) throw new OutcomeUnknownError(state.after === LANDED ? new Error('the answer was lost') : state.after);
    try {
      const out = await next(args);
      // Answered; should the answer still be lost on its way up, a resend would be blind.
      state.after = LANDED;
      return out;
    } catch (err) {
      if (mayHaveLanded(err) && !isAbort(err)) state.after = err;
      throw err;
    }
  };
  client.middlewareStack.addRelativeTo(guard, { relation: 'after', toMiddleware: 'retryMiddleware', name: 'guardBlindResends', override: true });
}

/** The caller's own abort (its deadline): the SDK never retries it, and the caller knows what it means. */
const isAbort = (err: unknown) => (err as Error | undefined)?.name === 'AbortError';

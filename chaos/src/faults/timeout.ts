// Timeout injector: the call hangs, as a stuck dependency or a Lambda past its deadline does, until the
// caller gives up (its AbortSignal) or the injector's own bound passes, then fails with a TimeoutError.
import { z } from 'zod';
import { delay } from './delay.js';

/** Settings: the longest the call hangs when the caller sets no deadline (default 30 s). */
export const timeoutSchema = z.strictObject({
  kind: z.literal('timeout'),
  ms: z.number().int().min(1).max(600_000).default(30_000),
});

/** A validated timeout injector. */
export type TimeoutInjector = z.infer<typeof timeoutSchema>;

/** A `TimeoutError` (the name AWS SDK and fetch use), which retry strategies treat as transient. */
export function timeoutError(ms: number): Error {
  const error = new Error(`chaos: operation timed out after ${ms} ms`);
  error.name = 'TimeoutError';
  return error;
}

/**
 * Hangs for `ms` or until `signal` aborts. Rejects with the caller's abort reason (an `AbortError`)
 * when aborted, with a `TimeoutError` otherwise: the call never succeeds.
 */
export async function hang(ms: number, signal?: AbortSignal): Promise<never> {
  await delay(ms, signal);
  throw timeoutError(ms);
}

// Waiting that a caller can cut short: the one timer every delaying injector uses.

/** The error a cut-short wait rejects with; named like the platform's, so retry code recognises it. */
export function abortError(reason?: unknown): Error {
  if (reason instanceof Error) return reason;
  const error = new Error(typeof reason === 'string' ? reason : 'The operation was aborted');
  error.name = 'AbortError';
  return error;
}

/**
 * Resolves after `ms`, or rejects with an `AbortError` as soon as `signal` aborts (immediately if it
 * already has). The timer is cleared either way, so an abandoned wait keeps nothing alive.
 *
 * @example
 * await delay(250, request.signal);
 */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted) return Promise.reject(abortError(signal.reason));
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(abortError(signal?.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

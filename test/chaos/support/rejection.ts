// Awaits a promise that must fail and hands back what it failed with, typed loosely for assertions.

/** The error a service call rejected with (AWS SDK errors carry `$fault` and `$metadata`). */
export interface Failure {
  name: string;
  message: string;
  code?: string;
  cause?: unknown;
  $fault?: string;
  $metadata: { attempts?: number; httpStatusCode?: number };
}

/** Resolves with the rejection reason; throws if `promise` fulfils. */
export async function rejection(promise: Promise<unknown>): Promise<Failure> {
  try {
    await promise;
  } catch (error) {
    return error as Failure;
  }
  throw new Error('expected the call to fail, but it succeeded');
}

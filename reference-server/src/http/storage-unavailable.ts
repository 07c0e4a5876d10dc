// Recognises failures that mean "the store is unavailable right now" (after the SDK's own retries):
// throttling, server-side faults, refused or reset connections, timeouts. These become 503 with
// Retry-After so clients retry, rather than a 500 that reads as a bug.

const RETRYABLE_NAMES = new Set([
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'TimeoutError',
  'RequestTimeout',
  'AbortError',
]);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** Whether `err` says the store could not serve the request now (but might shortly). */
export function isStorageUnavailable(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { name?: string; code?: string; $fault?: string; $retryable?: unknown; $metadata?: unknown; cause?: unknown };
  if (e.name !== undefined && RETRYABLE_NAMES.has(e.name)) return true;
  if (e.code !== undefined && NETWORK_CODES.has(e.code)) return true;
  if (e.$metadata !== undefined && (e.$fault === 'server' || e.$retryable !== undefined)) return true;
  return e.cause !== undefined && e.cause !== err && isStorageUnavailable(e.cause);
}

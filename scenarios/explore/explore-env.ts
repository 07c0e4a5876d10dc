// The server settings exploration runs its stacks with, and writes into a found scenario's target so
// `aftershock run` replays the schedule under the same timers and retry budget it failed under.

/**
 * Retries within ~1.5 s, a 1 s lease (so a crashed attempt is picked up again quickly) and fast polls.
 * The lease is still twice the attempt timeout, as the server requires. Applied over the embedded
 * target's defaults (`embeddedEnv`), exactly as a scenario's `target.env` is.
 */
export const FAST_ENV: Readonly<Record<string, string>> = Object.freeze({
  WEBHOOK_RETRY_SCHEDULE: '50,100,200,400,800',
  WEBHOOK_RETRY_JITTER: '0',
  WEBHOOK_TIMEOUT_MS: '400',
  WEBHOOK_VISIBILITY_TIMEOUT_MS: '1000',
  WORKER_POLL_MS: '20',
  ANALYTICS_POLL_MS: '20',
  ANALYTICS_FLUSH_MS: '50',
  WEBHOOK_CACHE_MS: '0',
  AUTH_CACHE_MS: '0',
  // Two attempts: the SDK's backoff would otherwise outlast the short fault windows explored here.
  DYNAMODB_MAX_ATTEMPTS: '2',
});

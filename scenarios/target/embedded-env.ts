// The settings the runner gives the embedded Triggers API: quiet, loopback, chaos on with the run's
// seed, limits no scenario reaches, and retries short enough for quick scenarios to settle.

/** Per-tier limits far above any scenario's load, so the limiter runs without refusing. */
const GENEROUS_TIERS = JSON.stringify(
  Object.fromEntries(['free', 'startup', 'business', 'enterprise'].map((t) => [t, { minute: 1e7, hour: 1e8, day: 1e9 }])),
);

/**
 * The environment (as the server reads it) for an embedded target; `overrides` (the scenario's
 * `target.env`) win. Retries every 250 ms → 4 s over 7 attempts, so a few seconds of outage drain
 * within a quick scenario; a 2 s attempt timeout and 5 s lease, so a hung receiver or a killed worker
 * is retried within the recovery phase.
 */
export function embeddedEnv(seed: number, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    PORT: '0',
    HOST: '127.0.0.1',
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    RATE_LIMIT_TIERS: GENEROUS_TIERS,
    WEBHOOK_RETRY_SCHEDULE: '250,500,1000,2000,3000,4000',
    WEBHOOK_RETRY_JITTER: '0.1',
    WEBHOOK_TIMEOUT_MS: '2000',
    WEBHOOK_VISIBILITY_TIMEOUT_MS: '5000',
    WEBHOOK_DISABLE_AFTER: '1000',
    WORKER_POLL_MS: '100',
    ANALYTICS_FLUSH_MS: '250',
    CHAOS_ENABLED: 'true',
    CHAOS_SEED: String(seed),
    ...overrides,
  };
}

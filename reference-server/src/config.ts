// The server's configuration: typed defaults overridden by the environment, validated once, frozen.
// The only place that reads process.env is main.ts, which passes it here. Lists, schedules and JSON
// are parsed here, once, and handed down typed.
import { z } from 'zod';
import { parseSchedule } from './domain/retry-schedule.js';
import { TierOverridesSchema } from './domain/rate-limit-tiers.js';
import { SIGNING_MODES } from './domain/scopes.js';
import { TOMBSTONE_RETENTION_MIN_MS, TOMBSTONE_RETENTION_MS } from './domain/tombstone-retention.js';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const ConfigSchema = z.object({
  /** HTTP port; 0 picks a free one. */
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /** Interface to bind; loopback unless deliberately exposed. */
  HOST: z.string().default('127.0.0.1'),
  /** Admin bearer token for key management; generated and printed at start when unset. */
  ADMIN_TOKEN: z.string().min(16).optional(),
  /** Where the embedded DynamoDB and generated keys live. */
  DATA_DIR: z.string().default('.data'),
  /** A DynamoDB endpoint URL (DynamoDB Local, dynalite), `aws` for AWS itself; unset starts the embedded dynalite. */
  DYNAMODB_ENDPOINT: z.union([z.literal('aws'), z.string().url()]).optional(),
  /** AWS region when talking to AWS. */
  AWS_REGION: z.string().optional(),
  /** Prefix of every table name. */
  TABLE_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]*$/).default('triggers-api-'),
  /** development | test | production; production turns on the strict guards. */
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  /** pino level. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Run the background workers inside the server process. */
  WORKER_ENABLED: bool.default(true),
  /** Port of a worker process's /metrics (`npm run worker`); 0 picks a free one, so it never clashes with PORT. */
  WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(0),
  /** Deliveries a worker process attempts at once. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(16),
  /**
   * Attempts one webhook may have in flight per worker process (at most WORKER_CONCURRENCY), so a slow
   * or hanging endpoint cannot take every slot; see "Endpoint isolation" in docs/WEBHOOKS.md.
   */
  WEBHOOK_ENDPOINT_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  /**
   * A worker process's server (its base URL, e.g. http://api:8080), whose wake stream (GET /_workers/wake)
   * wakes the worker at once when events are stored; unset: the server `npm start` runs on DATA_DIR, if any.
   */
  WORKER_WAKE_URL: z.string().url().refine((u) => /^https?:$/.test(new URL(u).protocol), 'an http:// or https:// URL').optional(),
  /** How often an idle worker polls for due work (new events wake it at once in-process, and through the wake stream). */
  WORKER_POLL_MS: z.coerce.number().int().min(5).max(60_000).default(250),
  /** Retry delays in ms after each failed attempt (`1000,5000,25000`), or a preset: `default`, `production`. */
  WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .default('default')
    .transform((text, ctx) => {
      const schedule = parseSchedule(text);
      if (schedule === undefined) ctx.addIssue({ code: 'custom', message: 'comma-separated ms delays, `default` or `production`' });
      return schedule ?? z.NEVER;
    }),
  /** ± fraction of random jitter on each retry delay. */
  WEBHOOK_RETRY_JITTER: z.coerce.number().min(0).max(1).default(0.2),
  /** Largest Retry-After honoured, ms. */
  WEBHOOK_MAX_RETRY_AFTER_MS: z.coerce.number().int().min(0).default(3_600_000),
  /** Per-attempt HTTP timeout, ms; must stay well under the visibility timeout. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  /** How long a leased delivery stays invisible to other workers, ms. */
  WEBHOOK_VISIBILITY_TIMEOUT_MS: z.coerce.number().int().min(200).default(30_000),
  /** Consecutive exhausted deliveries that disable a webhook. */
  WEBHOOK_DISABLE_AFTER: z.coerce.number().int().min(1).default(5),
  /**
   * How long fan-out may use a tenant's list of active webhooks before listing it again, ms (0: every
   * pass). Changes made through this process apply at once; through another, within this bound.
   */
  WEBHOOK_CACHE_MS: z.coerce.number().int().min(0).max(5_000).default(1_000),
  /**
   * How often each worker sweeps the delivery table for deliveries overdue by more than this long, ms:
   * the path to work that does not rest on the due index (a torn or lagging index delays, never loses).
   */
  WEBHOOK_SWEEP_MS: z.coerce.number().int().min(50).max(600_000).default(5_000),
  /** Delivery items one sweep tick reads at most (one Scan page), so a sweep's cost is bounded. */
  WEBHOOK_SWEEP_PAGE: z.coerce.number().int().min(10).max(10_000).default(1_000),
  /** CIDRs allowed as webhook targets in production even if private (comma-separated). */
  WEBHOOK_ALLOW_CIDRS: z
    .string()
    .default('')
    .transform((text): readonly string[] => text.split(',').map((c) => c.trim()).filter(Boolean)),
  /** Key that encrypts secrets at rest (≥ 32 chars); generated under DATA_DIR when unset. */
  SECRETS_KEY: z.string().min(32).optional(),
  /** How long an authenticated key may be served from memory before re-reading it (revocation bound). */
  AUTH_CACHE_MS: z.coerce.number().int().min(0).max(5_000).default(2_000),
  /** SDK attempts per DynamoDB call (1 = no retries). */
  DYNAMODB_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  /** Largest accepted request body. */
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(256 * 1024),
  /** Create a ready-to-use API key at start and print it (development convenience). */
  BOOTSTRAP_KEY: bool.optional(),
  /** Request signing for keys without a mode of their own: off | optional (verify when signed) | required. */
  SIGNING_MODE: z.enum(SIGNING_MODES).default('optional'),
  /** Accepted clock distance of a signature timestamp, in seconds (SPEC: ±5 min). */
  SIGNATURE_TOLERANCE_S: z.coerce.number().int().min(1).max(3_600).default(300),
  /** Per-key request limits (X-RateLimit-* headers, 429). */
  RATE_LIMIT_ENABLED: bool.default(true),
  /** When the counter store fails: `open` lets requests through, `closed` answers 503. */
  RATE_LIMIT_FAIL_MODE: z.enum(['open', 'closed']).default('open'),
  /** JSON overriding tiers, e.g. {"free":{"minute":20,"hour":200,"day":2000}}. */
  RATE_LIMIT_TIERS: z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not valid JSON' });
        return z.NEVER;
      }
    })
    .pipe(TierOverridesSchema)
    .optional(),
  /**
   * Where analytics reads accepted events: `outbox` (rows written with each event; works everywhere,
   * the only choice on dynalite) or `streams` (the events table's DynamoDB Stream; DynamoDB Local, AWS).
   * Every server and worker on the same tables must use the same mode.
   */
  ANALYTICS_FEED: z.enum(['outbox', 'streams']).default('outbox'),
  /** Run the analytics processor in this process. */
  ANALYTICS_ENABLED: bool.default(true),
  /** How often an idle processor polls its feeds (new events wake it at once in-process). */
  ANALYTICS_POLL_MS: z.coerce.number().int().min(5).max(60_000).default(200),
  /** Facts per processor batch. */
  ANALYTICS_BATCH_SIZE: z.coerce.number().int().min(1).max(1_000).default(250),
  /** How often request and delivery statistics are flushed to the analytics feed. */
  ANALYTICS_FLUSH_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  /** How often expired analytics rows and markers are swept (backends without TTL deletion). */
  ANALYTICS_SWEEP_MS: z.coerce.number().int().min(1_000).default(3_600_000),
  /** How often the expiry job marks rotating keys past `expires_at` as expired. */
  KEY_EXPIRY_INTERVAL_MS: z.coerce.number().int().min(100).default(60_000),
  /**
   * How long a deleted event's tombstone is kept, ms (7 days); at least 25 hours, beyond the 24-hour
   * window in which an idempotent retry can write the event again (see domain/tombstone-retention.ts).
   */
  EVENT_TOMBSTONE_RETENTION_MS: z.coerce.number().int().min(TOMBSTONE_RETENTION_MIN_MS).default(TOMBSTONE_RETENTION_MS),
  /**
   * How often the tombstone sweep reads its next page of the tombstone index, ms. Small pages often
   * rather than large ones seldom: a page and its removals are one burst of store work that the
   * requests beside it wait behind.
   */
  EVENT_TOMBSTONE_SWEEP_MS: z.coerce.number().int().min(100).max(3_600_000).default(6_000),
  /** Tombstones one tombstone sweep pass reads and removes at most (one page of the index), so a pass's cost is bounded. */
  EVENT_TOMBSTONE_SWEEP_PAGE: z.coerce.number().int().min(10).max(10_000).default(100),
});

export type Config = Readonly<z.infer<typeof ConfigSchema>>;

interface Problem {
  path: string;
  message: string;
}

/** Checks that span several settings, applied to env-parsed and typed configurations alike. */
function combinationProblems(c: z.infer<typeof ConfigSchema>): Problem[] {
  const problems: Problem[] = [];
  if (c.WEBHOOK_TIMEOUT_MS * 2 > c.WEBHOOK_VISIBILITY_TIMEOUT_MS) {
    problems.push({ path: 'WEBHOOK_TIMEOUT_MS', message: 'must be at most half of WEBHOOK_VISIBILITY_TIMEOUT_MS, so a lease never runs out mid-attempt' });
  }
  return problems;
}

function invalid(problems: readonly Problem[]): Error {
  return new Error(`invalid configuration:\n${problems.map((p) => `  ${p.path}: ${p.message}`).join('\n')}`);
}

/** Validates an environment record; throws one readable error listing every bad variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const picked = Object.fromEntries(
    Object.keys(ConfigSchema.shape).map((k) => [k, env[k] === '' ? undefined : env[k]]),
  );
  const parsed = ConfigSchema.superRefine((c, ctx) => {
    for (const p of combinationProblems(c)) ctx.addIssue({ code: 'custom', path: [p.path], message: p.message });
  }).safeParse(picked);
  if (!parsed.success) throw invalid(parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })));
  return Object.freeze(parsed.data);
}

/**
 * The defaults with typed `overrides` on top (for code that starts a server without an environment),
 * checked the same way; throws like {@link loadConfig}.
 * @example const config = configWith({ PORT: 0, WORKER_ENABLED: false });
 */
export function configWith(overrides: Partial<Config>): Config {
  const config = { ...loadConfig({}), ...overrides };
  const problems = combinationProblems(config);
  if (problems.length > 0) throw invalid(problems);
  return Object.freeze(config);
}

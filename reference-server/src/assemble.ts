// The one composition root: builds the store client, the stores, the chaos fault points, the HTTP
// app's dependencies and every background job a process has the role for. `npm start`, `npm run
// worker`, tests and startStack all go through here, so they run the same assembly.
import type { DashboardOptions } from './web/dashboard-options.js';
import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import type { Express } from 'express';
import { pino, type Logger } from 'pino';
import type { ChaosEngine } from '../../chaos/src/index.js';
import { hostChaos, type ChaosHostOptions } from './chaos-host.js';
import type { Config } from './config.js';
import { systemClock, type Clock } from './domain/clock.js';
import { createIdGenerator } from './domain/ids.js';
import type { RandomBytes } from './domain/random.js';
import { buildApp } from './http/app.js';
import type { AppDeps } from './http/app-deps.js';
import { Authenticator } from './http/authenticator.js';
import { HealthChecker } from './http/health-checker.js';
import { keyGuards } from './http/key-guards.js';
import { recordRequestStats } from './http/request-stats.js';
import { createSecurityMetrics } from './http/security-metrics.js';
import { createServerMetrics } from './http/server-metrics.js';
import { createWebhookDispatcher } from './delivery/webhook-dispatcher.js';
import { wakeToken } from './domain/worker-wake.js';
import { WakeHub } from './http/wake-hub.js';
import { AuditLog } from './store/audit-log.js';
import { AuditStore } from './store/audit-store.js';
import { createDynamo, type Dynamo } from './store/dynamo-client.js';
import { startEmbeddedDynamo, type EmbeddedDynamo } from './store/embedded-dynalite.js';
import { SecretBox } from './store/secret-box.js';
import { createStores } from './store/stores.js';
import { ensureTables, tableNames } from './store/tables.js';
import { analyticsStream, startAnalytics, type AnalyticsRuntime } from './workers/analytics-runtime.js';
import { StatsRecorder, startStatsFlusher } from './workers/analytics-stats.js';
import { buildWorkerDeps } from './workers/build-worker-deps.js';
import { followWakeStream, type WakeFollower } from './workers/wake-follower.js';
import { localStoredSince, wallClockOf } from './workers/handed-over-stream.js';
import { fenceMargins } from './workers/delivery-fence.js';
import { startKeyExpiry, type KeyExpiryJob } from './workers/key-expiry.js';
import { startTombstoneSweep, type TombstoneSweepJob } from './workers/tombstone-sweep.js';
import type { WorkerDeps } from './workers/worker-deps.js';
import { startWorkers, type WorkerRuntime } from './workers/worker-runtime.js';

/**
 * What a process does: serve the API, run the webhook workers, the analytics processor, the key
 * expiry job, the tombstone sweep.
 */
export interface Roles {
  api: boolean;
  workers: boolean;
  analytics: boolean;
  keyExpiry: boolean;
  tombstoneSweep: boolean;
}

/** `npm start`: the API, plus the jobs WORKER_ENABLED and ANALYTICS_ENABLED leave on. */
export const serverRoles = (config: Config): Roles => ({
  api: true,
  workers: config.WORKER_ENABLED,
  analytics: config.ANALYTICS_ENABLED,
  keyExpiry: config.WORKER_ENABLED,
  tombstoneSweep: config.WORKER_ENABLED,
});

/** `npm run worker`: every background job (so servers with WORKER_ENABLED=false lose none), no API. */
export const workerRoles = (config: Config): Roles => ({ api: false, workers: true, analytics: config.ANALYTICS_ENABLED, keyExpiry: true, tombstoneSweep: true });

/** Overrides for what is otherwise real: the clock, randomness, logger, secrets, chaos. */
export interface AssembleOptions {
  clock?: Clock;
  randomBytes?: RandomBytes;
  random?: () => number;
  logger?: Logger;
  /** The admin bearer token; required with the `api` role. */
  adminToken?: string;
  secretsKey: string;
  /** Embedded store on disk at this path; in memory when omitted (ignored with DYNAMODB_ENDPOINT). */
  embeddedPath?: string;
  /**
   * With the `api` role: the file that keeps part-written event batches until they are finished, so a
   * crash does not leave one split (store/unfinished-journal.ts); kept in memory only when omitted.
   */
  unfinishedWritesPath?: string;
  /** With `unfinishedWritesPath`: the log of group commits in flight, so a crash mid-call leaves them to the next start (store/in-flight-log.ts). */
  inFlightLogPath?: string;
  /** Lets a caller add middleware to the DynamoDB client before anything uses it. */
  onDynamo?: (dynamo: Dynamo) => void;
  /** Chaos: the raw `CHAOS_*` environment, typed settings, or a ready engine; see chaos-host.ts. */
  chaos?: ChaosHostOptions;
  /** Where the dashboard finds scenario runs and its bundle (defaults: see web/dashboard-router.ts). */
  dashboard?: DashboardOptions;
  /**
   * With the `workers` role: the base URL of a server whose wake stream to follow, asked again at each
   * (re)connect (a restarted server may listen elsewhere); undefined while there is none.
   */
  wakeSource?: () => string | undefined;
}

/** An assembled process: its parts, the Express app when it has the API role, and one `close`. */
export interface Assembly {
  config: Config;
  roles: Roles;
  deps: AppDeps;
  workerDeps: WorkerDeps;
  dynamo: Dynamo;
  /** The DynamoDB endpoint in use (the embedded store's URL when started here). */
  endpoint: string;
  /** The app, when the process has the `api` role. */
  app?: Express;
  /** The webhook workers while running. */
  readonly workers?: WorkerRuntime;
  startWorkers(): void;
  stopWorkers(): Promise<void>;
  analytics?: AnalyticsRuntime;
  keyExpiry?: KeyExpiryJob;
  tombstoneSweep?: TombstoneSweepJob;
  /** Request and delivery statistics waiting for their next flush into analytics. */
  stats: StatsRecorder;
  /** The chaos engine behind every fault point (absent when fault points were left out). */
  chaos?: ChaosEngine;
  /** Stops every job, the outbound HTTP pool, the client and the embedded store started here. Idempotent. */
  close(): Promise<void>;
}

/** The default logger: the configured level, with credentials redacted. */
function defaultLogger(config: Config): Logger {
  return pino({
    level: config.LOG_LEVEL,
    redact: {
      paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'api_key', 'signing_secret', 'secret', '*.api_key', '*.signing_secret', '*.secret'],
      censor: '[redacted]',
    },
  });
}

/** Builds everything for `roles` and starts its background jobs. Rejects (stopping what it started) on failure. */
export async function assemble(config: Config, roles: Roles, opts: AssembleOptions): Promise<Assembly> {
  if (roles.api && !opts.adminToken) throw new Error('the api role needs an admin token (set ADMIN_TOKEN)');
  const adminToken = roles.api ? opts.adminToken : undefined;
  const clock = opts.clock ?? systemClock;
  const random = opts.random ?? Math.random;
  const logger = opts.logger ?? defaultLogger(config);
  const embedded: EmbeddedDynamo | undefined = config.DYNAMODB_ENDPOINT === undefined ? await startEmbeddedDynamo({ path: opts.embeddedPath }) : undefined;
  const endpoint = config.DYNAMODB_ENDPOINT ?? embedded!.endpoint;
  try {
    const dynamo = createDynamo({ endpoint: endpoint === 'aws' ? undefined : endpoint, region: config.AWS_REGION, maxAttempts: config.DYNAMODB_MAX_ATTEMPTS });
    opts.onDynamo?.(dynamo);
    const added = await ensureTables(dynamo.client, config.TABLE_PREFIX, { streams: config.ANALYTICS_FEED === 'streams' });
    const names = tableNames(config.TABLE_PREFIX);
    const journal = roles.api ? opts.unfinishedWritesPath : undefined;
    const stores = createStores(dynamo.doc, config.TABLE_PREFIX, config.ANALYTICS_FEED, {
      tombstoneRetentionMs: config.EVENT_TOMBSTONE_RETENTION_MS,
      ...(journal === undefined ? {} : { unfinishedWritesPath: journal, inFlightLogPath: opts.inFlightLogPath }),
    });
    // A DLQ table from before its order indexes: its entries get the key those indexes read. The
    // overdue sweep's walk of the DLQ gives it to any entry this misses (a crash here, an older process).
    if (added['webhook-dlq']) {
      const keyed = await stores.dlq.backfillDeadKeys();
      logger.info({ indexes: added['webhook-dlq'], entries: keyed }, 'added the DLQ order indexes and keyed the entries already there');
    }
    // An events table from before the tombstone index: its tombstones get their shard, so the sweep finds them.
    if (added.events?.includes('tombstone-index')) {
      const keyed = await stores.tombstones.backfillShards();
      logger.info({ tombstones: keyed }, 'added the tombstone index and gave the tombstones already there their shard');
    }
    const ids = createIdGenerator(clock, random);
    const secretBox = new SecretBox(opts.secretsKey);
    const metrics = createServerMetrics({ unfinishedWrites: () => stores.events.completer.pending });
    stores.events.completer.onAbandon = (writes) => {
      metrics.eventWritesAbandoned.inc(writes);
      logger.error({ writes }, 'gave up finishing a part-written event batch: its events may be readable and never delivered');
    };
    stores.events.completer.onJournalError = (err) => logger.error({ err, path: journal }, 'cannot record part-written event batches on disk: a crash now would leave them unfinished');
    if (stores.events.inFlightLog) stores.events.inFlightLog.onError = (err) => logger.error({ err, path: opts.inFlightLogPath }, 'cannot log event batches in flight on disk: a crash mid-call may leave one split');
    const resumed = await stores.events.resumeUnfinished().catch((err: unknown) => {
      throw new Error(`cannot read ${journal} (part-written event batches of an earlier run): move it aside to start without finishing them (${String(err)})`);
    });
    if (resumed.writes > 0) logger.warn({ writes: resumed.writes, calls_in_flight: resumed.calls, path: journal }, 'finishing part-written event batches left by an earlier run');
    if (resumed.kept) logger.error({ path: opts.inFlightLogPath }, 'the log of event batches in flight is kept for the next start: the journal could not take what it held');
    const security = createSecurityMetrics(metrics.registry);
    const audit = new AuditLog(new AuditStore(dynamo.doc, names.audit), clock, createIdGenerator(clock, random), logger, random);
    audit.onWriteFailure(() => security.auditWriteFailures.inc());
    const baseDispatcher = createWebhookDispatcher({ production: config.NODE_ENV === 'production', allowCidrs: config.WEBHOOK_ALLOW_CIDRS });
    const chaos = hostChaos(
      { config, clock, logger, registry: metrics.registry, client: dynamo.client, dispatcher: baseDispatcher, adminToken, audit },
      opts.chaos,
    );
    // Request and delivery outcomes for analytics, flushed into the feed every ANALYTICS_FLUSH_MS.
    const stats = new StatsRecorder(clock, () => ids.next('sta'));
    const workerDeps = buildWorkerDeps({
      config,
      clock: chaos.workerClock,
      logger,
      random,
      secretBox,
      dispatcher: chaos.dispatcher,
      stores,
      registry: metrics.registry,
      beforeStep: chaos.workerStep,
      onAttempt: (tenantId, ok) => stats.deliveryAttempt(tenantId, ok),
    });
    let workers = roles.workers ? startWorkers(workerDeps) : undefined;
    // Worker processes elsewhere learn of new work from this server's wake stream (api role)...
    const wakeHub = roles.api ? new WakeHub({ onSubscribers: (n) => metrics.wakeSubscribers.set(n) }) : undefined;
    const analytics = roles.analytics
      ? startAnalytics({
          stores,
          clock,
          logger,
          registry: metrics.registry,
          pollMs: config.ANALYTICS_POLL_MS,
          batchSize: config.ANALYTICS_BATCH_SIZE,
          sweepMs: config.ANALYTICS_SWEEP_MS,
          stream: await analyticsStream(config, endpoint, dynamo, names.events),
          beforeStep: chaos.analyticsStep,
        })
      : undefined;
    const statsFlusher = startStatsFlusher(stats, (fact) => stores.outbox.putFact(fact).then(() => analytics?.wake()), config.ANALYTICS_FLUSH_MS);
    // ...and a worker process follows one, when it knows where (it polls regardless).
    const { guardMs } = fenceMargins(config.WEBHOOK_VISIBILITY_TIMEOUT_MS);
    const wakeFollower: WakeFollower | undefined = roles.workers && opts.wakeSource
      ? followWakeStream({
          resolveUrl: opts.wakeSource,
          token: wakeToken(opts.secretsKey),
          logger,
          registry: metrics.registry,
          pollMs: config.WORKER_POLL_MS,
          onWake: (kind) => {
            if (kind === 'deliveries') return workers?.wakeDelivery();
            workers?.wake();
            analytics?.wake();
          },
          // Handed to fan-out like an event stored here, if this process's lease hold covers its write.
          onStored: ({ event, stored_at, row }) => {
            workers?.wake(event, localStoredSince(stored_at, guardMs), row);
            analytics?.wake();
          },
        })
      : undefined;
    const keyExpiry = roles.keyExpiry
      ? startKeyExpiry({ keys: stores.apiKeys, audit, clock, ids, logger, intervalMs: config.KEY_EXPIRY_INTERVAL_MS, onExpired: (count) => security.keysExpired.inc(count) })
      : undefined;
    const tombstoneSweep = roles.tombstoneSweep
      ? startTombstoneSweep({
          tombstones: stores.tombstones,
          clock,
          logger,
          registry: metrics.registry,
          retentionMs: config.EVENT_TOMBSTONE_RETENTION_MS,
          pageSize: config.EVENT_TOMBSTONE_SWEEP_PAGE,
          intervalMs: config.EVENT_TOMBSTONE_SWEEP_MS,
        })
      : undefined;
    const deps: AppDeps = {
      config,
      clock,
      ids,
      randomBytes: opts.randomBytes ?? ((n) => cryptoRandomBytes(n)),
      logger,
      metrics,
      secretBox,
      // Without the api role nothing reads it: no route is built.
      adminToken: adminToken ?? '',
      audit,
      authenticator: new Authenticator(stores.apiKeys, clock, config.AUTH_CACHE_MS, keyGuards({ config, clock, logger, doc: dynamo.doc, secretBox, audit, metrics: security })),
      health: new HealthChecker(dynamo.client, Object.values(names), clock),
      stores,
      webhookDispatcher: chaos.dispatcher,
      hooks: {
        onEventCreated: (event, storedSince, row) => {
          workers?.wake(event, storedSince, row);
          analytics?.wake();
          // Wall clock, not the injected one: the worker compares it with its own wall clock.
          if (storedSince === undefined) wakeHub?.notify('events');
          else wakeHub?.notifyStored({ stored_at: wallClockOf(storedSince), event, ...(row ? { row } : {}) });
        },
        onWorkAvailable: () => {
          workers?.wakeDelivery();
          wakeHub?.notify('deliveries');
        },
      },
      workerWake: wakeHub && { hub: wakeHub, token: wakeToken(opts.secretsKey) },
      // Only chaos injections read the current request; the control API can enable chaos at any time.
      carryRequestId: () => chaos.engine?.enabled === true,
      before: [recordRequestStats((tenantId, status, ms) => stats.request(tenantId, status, ms)), ...chaos.before],
      routers: chaos.routers,
      dashboard: opts.dashboard,
    };
    let closing: Promise<void> | undefined;
    return {
      config,
      roles,
      deps,
      workerDeps,
      dynamo,
      endpoint,
      app: roles.api ? buildApp(deps) : undefined,
      get workers() {
        return workers;
      },
      startWorkers() {
        workers ??= startWorkers(workerDeps);
      },
      async stopWorkers() {
        const running = workers;
        workers = undefined;
        await running?.stop();
      },
      analytics,
      keyExpiry,
      tombstoneSweep,
      stats,
      chaos: chaos.engine,
      close() {
        closing ??= (async () => {
          // Part-written event batches are finished while the store is still there (bounded).
          if (!(await stores.events.completer.settle(5_000))) {
            const writes = stores.events.completer.stop();
            logger.error({ writes, path: journal }, journal === undefined ? 'stopped with part-written event batches unfinished' : 'stopped with part-written event batches unfinished: the next start on this file finishes them');
          }
          wakeHub?.close();
          await wakeFollower?.stop();
          const running = workers;
          workers = undefined;
          await running?.stop();
          await statsFlusher.stop().catch((err: unknown) => logger.warn({ err }, 'last analytics stats flush failed'));
          await analytics?.stop();
          await keyExpiry?.stop();
          await tombstoneSweep?.stop();
          await baseDispatcher.close();
          // A call still in flight now never settles here: the log keeps it for the next start.
          stores.events.closeLog();
          dynamo.client.destroy();
          await embedded?.stop();
        })();
        return closing;
      },
    };
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
}

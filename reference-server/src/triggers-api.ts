// The composition root: wires config, DynamoDB (embedded or external), stores and the HTTP app
// into a running server. Used by main.ts and by tests, so both run exactly the same stack.
import { randomBytes as cryptoRandomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:http';
import { pino, type Logger } from 'pino';
import type { Config } from './config.js';
import { systemClock, type Clock } from './domain/clock.js';
import { createIdGenerator } from './domain/ids.js';
import type { RandomBytes } from './domain/random.js';
import { buildApp } from './http/app.js';
import type { AppDeps } from './http/app-deps.js';
import { Authenticator } from './http/authenticator.js';
import { HealthChecker } from './http/health-checker.js';
import { createServerMetrics } from './http/server-metrics.js';
import { createDynamo, type Dynamo } from './store/dynamo-client.js';
import { startEmbeddedDynamo, type EmbeddedDynamo } from './store/embedded-dynalite.js';
import { createStores } from './store/stores.js';
import { createWebhookDispatcher } from './http/webhook-dispatcher.js';
import { buildWorkerDeps } from './workers/build-worker-deps.js';
import { startWorkers, type WorkerRuntime } from './workers/worker-runtime.js';
import type { WorkerDeps } from './workers/worker-deps.js';
import type { ChaosEngine } from '../../chaos/src/index.js';
import { hostChaos, type ChaosHostOptions } from './chaos-host.js';
import { SecretBox } from './store/secret-box.js';
import { createAuditLog, installSecurity } from './security-layer.js';
import { ensureTables, tableNames } from './store/tables.js';
import { recordRequestStats } from './http/request-stats.js';
import { StatsRecorder, startStatsFlusher } from './workers/analytics-stats.js';
import { analyticsStream, startAnalytics, type AnalyticsRuntime } from './workers/analytics-runtime.js';

/** Overrides for what is otherwise real: the clock, randomness, logger, an existing endpoint. */
export interface StartOptions {
  clock?: Clock;
  randomBytes?: RandomBytes;
  random?: () => number;
  logger?: Logger;
  adminToken: string;
  secretsKey: string;
  /** Embedded store on disk at this path; in memory when omitted (ignored with DYNAMODB_ENDPOINT). */
  embeddedPath?: string;
  /** Lets a caller add fault points or routers before the app is built. */
  customize?: (deps: AppDeps, dynamo: Dynamo, workerDeps: WorkerDeps) => void;
  /** Chaos: the raw `CHAOS_*` environment, or a ready engine; see chaos-host.ts. */
  chaos?: ChaosHostOptions;
}

/** A running Triggers API. */
export interface TriggersApi {
  url: string;
  port: number;
  deps: AppDeps;
  dynamo: Dynamo;
  endpoint: string;
  server: Server;
  /** The in-process workers, when WORKER_ENABLED (or after `startWorkers()`). */
  readonly workers?: WorkerRuntime;
  /** Stops the in-process workers (in-flight attempts finish, bounded); idempotent. */
  stopWorkers(): Promise<void>;
  /** Starts the in-process workers if they are not running. */
  startWorkers(): void;
  workerDeps: WorkerDeps;
  /** The in-process analytics processor, when ANALYTICS_ENABLED. */
  analytics?: AnalyticsRuntime;
  /** Request statistics waiting for their next flush into analytics. */
  stats: StatsRecorder;
  /** The chaos engine behind every fault point (absent when fault points were left out). */
  chaos?: ChaosEngine;
  /** Stops accepting, drains in-flight requests (bounded), stops the workers and the embedded store. Idempotent. */
  close(): Promise<void>;
}

/** Starts the whole stack and listens on `config.HOST:config.PORT`. */
export async function startTriggersApi(config: Config, opts: StartOptions): Promise<TriggersApi> {
  const clock = opts.clock ?? systemClock;
  const logger =
    opts.logger ??
    pino({
      level: config.LOG_LEVEL,
      redact: {
        paths: ['req.headers.authorization', 'req.headers["x-api-key"]', 'api_key', 'signing_secret', 'secret', '*.api_key', '*.signing_secret', '*.secret'],
        censor: '[redacted]',
      },
    });
  let embedded: EmbeddedDynamo | undefined;
  if (config.DYNAMODB_ENDPOINT === undefined) embedded = await startEmbeddedDynamo({ path: opts.embeddedPath });
  const endpoint = config.DYNAMODB_ENDPOINT ?? embedded!.endpoint;
  try {
    const dynamo = createDynamo({
      endpoint: endpoint === 'aws' ? undefined : endpoint,
      region: config.AWS_REGION,
      maxAttempts: config.DYNAMODB_MAX_ATTEMPTS,
    });
    await ensureTables(dynamo.client, config.TABLE_PREFIX, { streams: config.ANALYTICS_FEED === 'streams' });
    const names = tableNames(config.TABLE_PREFIX);
    const stores = createStores(dynamo.doc, config.TABLE_PREFIX, config.ANALYTICS_FEED);
    const random = opts.random ?? Math.random;
    const secretBox = new SecretBox(opts.secretsKey);
    const metrics = createServerMetrics();
    const webhookDispatcher = createWebhookDispatcher({
      production: config.NODE_ENV === 'production',
      allowCidrs: config.WEBHOOK_ALLOW_CIDRS.split(',').map((c) => c.trim()).filter(Boolean),
    });
    const audit = createAuditLog(dynamo.doc, config, clock, logger, opts.random);
    const deps: AppDeps = {
      config,
      clock,
      ids: createIdGenerator(clock, random),
      randomBytes: opts.randomBytes ?? ((n) => cryptoRandomBytes(n)),
      logger,
      metrics,
      secretBox,
      adminToken: opts.adminToken,
      audit,
      authenticator: new Authenticator(stores.apiKeys, clock, config.AUTH_CACHE_MS),
      health: new HealthChecker(dynamo.client, Object.values(names), clock),
      stores,
      webhookDispatcher,
    };
    const workerDeps = buildWorkerDeps({ config, clock, logger, random, secretBox, dispatcher: webhookDispatcher, stores, registry: metrics.registry });
    const security = installSecurity(deps, dynamo.doc);
    const analyticsFaults: { beforeStep?: (step: string) => Promise<void> } = {};
    const chaos = hostChaos({ config, clock, logger, registry: metrics.registry, client: dynamo.client, app: deps, worker: workerDeps, analytics: analyticsFaults }, opts.chaos);
    opts.customize?.(deps, dynamo, workerDeps);
    // Request and delivery outcomes for analytics, flushed into the feed every ANALYTICS_FLUSH_MS.
    const stats = new StatsRecorder(clock, () => deps.ids.next('sta'));
    workerDeps.onAttempt = (tenantId, ok) => stats.deliveryAttempt(tenantId, ok);
    let workers = config.WORKER_ENABLED ? startWorkers(workerDeps) : undefined;
    const analytics = config.ANALYTICS_ENABLED
      ? startAnalytics({
          stores,
          clock,
          logger,
          registry: metrics.registry,
          pollMs: config.ANALYTICS_POLL_MS,
          batchSize: config.ANALYTICS_BATCH_SIZE,
          sweepMs: config.ANALYTICS_SWEEP_MS,
          stream: await analyticsStream(config, endpoint, dynamo, names.events),
          beforeStep: analyticsFaults.beforeStep,
        })
      : undefined;
    const statsFlusher = startStatsFlusher(stats, (fact) => stores.outbox.putFact(fact).then(() => analytics?.wake()), config.ANALYTICS_FLUSH_MS);
    deps.before = [recordRequestStats(stats), ...(deps.before ?? [])];
    deps.hooks = {
      ...deps.hooks,
      onEventCreated: (event, storedSince) => {
        workers?.wake(event, storedSince);
        analytics?.wake();
      },
      onWorkAvailable: () => workers?.wakeDelivery(),
    };
    const server = createServer(buildApp(deps));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.PORT, config.HOST, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.keepAliveTimeout = 5_000;
    const port = (server.address() as AddressInfo).port;
    let closing: Promise<void> | undefined;
    return {
      url: `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`,
      port,
      deps,
      dynamo,
      endpoint,
      server,
      get workers() {
        return workers;
      },
      async stopWorkers() {
        const running = workers;
        workers = undefined;
        await running?.stop();
      },
      startWorkers() {
        workers ??= startWorkers(workerDeps);
      },
      workerDeps,
      analytics,
      stats,
      chaos,
      close() {
        closing ??= (async () => {
          await drain(server, 10_000);
          await workers?.stop();
          await statsFlusher.stop().catch((err: unknown) => logger.warn({ err }, 'last analytics stats flush failed'));
          await analytics?.stop();
          await webhookDispatcher.close();
          await security.stop();
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

/** Closes the listener and waits for in-flight requests, forcing the rest closed after `ms`. */
async function drain(server: Server, ms: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const force = setTimeout(() => server.closeAllConnections(), ms);
  await closed;
  clearTimeout(force);
}

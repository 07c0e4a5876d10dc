// `npm run worker`: the fan-out and delivery loops alone, in their own process, against a shared
// DynamoDB (DYNAMODB_ENDPOINT). Several such processes can run at once: leases keep them apart.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { pino } from 'pino';
import { Registry, collectDefaultMetrics } from 'prom-client';
import { loadConfig } from '../config.js';
import { systemClock } from '../domain/clock.js';
import { createWebhookDispatcher } from '../http/webhook-dispatcher.js';
import { createDynamo } from '../store/dynamo-client.js';
import { SecretBox } from '../store/secret-box.js';
import { createStores } from '../store/stores.js';
import { ensureTables, tableNames } from '../store/tables.js';
import { analyticsStream, startAnalytics } from './analytics-runtime.js';
import { StatsRecorder, startStatsFlusher } from './analytics-stats.js';
import { createIdGenerator } from '../domain/ids.js';
import { buildWorkerDeps } from './build-worker-deps.js';
import { startWorkers } from './worker-runtime.js';
import type { ReadyMessage } from '../child-stack.js';

// The lockfile pins AWS SDK releases that support Node 20; the SDK's notice about future releases
// needing Node 22 is not actionable for a user of this build, so it stays off unless asked for.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const config = loadConfig(process.env);
const logger = pino({ level: config.LOG_LEVEL });
// The server's secrets key: SECRETS_KEY, or the one `npm start` generated under DATA_DIR.
const keyFile = join(config.DATA_DIR, 'secrets.key');
const secretsKey = config.SECRETS_KEY ?? (existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : undefined);
if (config.DYNAMODB_ENDPOINT === undefined || secretsKey === undefined) {
  console.error('npm run worker needs DYNAMODB_ENDPOINT (the DynamoDB the server uses, or `aws`) and the server\'s SECRETS_KEY (or its DATA_DIR)');
  process.exit(2);
}
const dynamo = createDynamo({
  endpoint: config.DYNAMODB_ENDPOINT === 'aws' ? undefined : config.DYNAMODB_ENDPOINT,
  region: config.AWS_REGION,
  maxAttempts: config.DYNAMODB_MAX_ATTEMPTS,
});
await ensureTables(dynamo.client, config.TABLE_PREFIX, { streams: config.ANALYTICS_FEED === 'streams' });
const stores = createStores(dynamo.doc, config.TABLE_PREFIX, config.ANALYTICS_FEED);
const registry = new Registry();
collectDefaultMetrics({ register: registry });
const dispatcher = createWebhookDispatcher({
  production: config.NODE_ENV === 'production',
  allowCidrs: config.WEBHOOK_ALLOW_CIDRS.split(',').map((c) => c.trim()).filter(Boolean),
});
const deps = buildWorkerDeps({
  config,
  clock: systemClock,
  logger,
  random: Math.random,
  secretBox: new SecretBox(secretsKey),
  dispatcher,
  stores,
  registry,
});
// Delivery attempts made here count in analytics like the server's own.
const ids = createIdGenerator(systemClock, Math.random);
const stats = new StatsRecorder(systemClock, () => ids.next('sta'));
deps.onAttempt = (tenantId, ok) => stats.deliveryAttempt(tenantId, ok);
const workers = startWorkers(deps);
// The analytics processor runs here too; processors in several processes cannot double count.
const analytics = config.ANALYTICS_ENABLED
  ? startAnalytics({
      stores,
      clock: systemClock,
      logger,
      registry,
      pollMs: config.ANALYTICS_POLL_MS,
      batchSize: config.ANALYTICS_BATCH_SIZE,
      sweepMs: config.ANALYTICS_SWEEP_MS,
      stream: await analyticsStream(config, config.DYNAMODB_ENDPOINT, dynamo, tableNames(config.TABLE_PREFIX).events),
    })
  : undefined;
const statsFlusher = startStatsFlusher(stats, (fact) => stores.outbox.putFact(fact).then(() => analytics?.wake()), config.ANALYTICS_FLUSH_MS);

// Metrics only: a worker has no API. PORT=0 picks a free port.
const metricsServer = createServer(async (req, res) => {
  if (req.url !== '/metrics') return res.writeHead(404).end();
  res.writeHead(200, { 'content-type': registry.contentType }).end(await registry.metrics());
}).listen(config.PORT, config.HOST, () => {
  const address = metricsServer.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  console.log(`worker running: concurrency ${config.WORKER_CONCURRENCY}, analytics ${analytics ? config.ANALYTICS_FEED : 'off'}, metrics on http://${config.HOST}:${port}/metrics`);
  // A parent that forked this process (child-stack.ts) learns it is ready from this, not from the text above.
  process.send?.({ type: 'ready', url: `http://${config.HOST}:${port}` } satisfies ReadyMessage);
});

// A forked worker also stops when its parent goes away, so a crashed parent leaves no orphan behind.
let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT', 'disconnect'] as const) {
  process.once(signal, async () => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker stopping: finishing in-flight attempts');
    metricsServer.close();
    await workers.stop();
    await statsFlusher.stop().catch((err: unknown) => logger.warn({ err }, 'last analytics stats flush failed'));
    await analytics?.stop();
    await dispatcher.close();
    dynamo.client.destroy();
    process.exit(0);
  });
}

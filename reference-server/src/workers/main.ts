// `npm run worker`: every background job — fan-out, delivery, analytics, key expiry, the tombstone
// sweep — without the API, in its own process against a shared DynamoDB. Several such processes can
// run at once: leases and conditional writes keep them apart. Next to `npm start` on the same
// DATA_DIR it needs no settings.
import { createServer } from 'node:http';
import { exitOnHelpArgs } from '../help-only-args.js';
import type { ReadyMessage } from '../child-stack.js';
import { DATA_FILES, findPublishedEndpoint, findPublishedServer, readSecretsKey } from '../data-dir.js';

const usage = `usage: npm run worker [-- --help]

Runs the webhook fan-out and delivery workers, the analytics processor, the key expiry job and the sweep
of deleted events' tombstones, without the API, against the DynamoDB a server uses. Several workers may
run at once.

Finds the store and keys the way \`npm start\` left them under DATA_DIR [.data]: the embedded store's
endpoint (DATA_DIR/${DATA_FILES.endpoint}, while \`npm start\` runs) and the secrets key. Or set
DYNAMODB_ENDPOINT (a URL, or \`aws\`) and SECRETS_KEY. WORKER_METRICS_PORT [0: a free port] serves
/metrics; WORKER_CONCURRENCY [16].

New events wake the worker at once through the server's wake stream: WORKER_WAKE_URL (the server's URL),
or the server \`npm start\` runs on DATA_DIR (DATA_DIR/${DATA_FILES.server}). Without one it polls every
WORKER_POLL_MS [250].

options:
  -h, --help  show this help`;

exitOnHelpArgs('npm run worker', usage);

// The workers' modules (the AWS SDK, undici, zod) are loaded only now, so --help answers without them.
const [{ assemble, workerRoles }, { listenForChaos }, { loadConfig }] = await Promise.all([import('../assemble.js'), import('../chaos-relay.js'), import('../config.js')]);

// The lockfile pins AWS SDK releases that support Node 20; the SDK's notice about future releases
// needing Node 22 is not actionable for a user of this build, so it stays off unless asked for.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const env = (() => {
  try {
    return loadConfig(process.env);
  } catch (err) {
    console.error(`npm run worker: ${(err as Error).message}`);
    process.exit(2);
  }
})();
const endpoint = env.DYNAMODB_ENDPOINT ?? findPublishedEndpoint(env.DATA_DIR);
const secretsKey = env.SECRETS_KEY ?? readSecretsKey(env.DATA_DIR);
if (endpoint === undefined) {
  console.error(`npm run worker: no DynamoDB to work on: start \`npm start\` with DATA_DIR=${env.DATA_DIR} first, or set DYNAMODB_ENDPOINT`);
  process.exit(2);
}
if (secretsKey === undefined) {
  console.error(`npm run worker: no secrets key: set SECRETS_KEY to the server's, or DATA_DIR to the folder \`npm start\` uses`);
  process.exit(2);
}
const config = Object.freeze({ ...env, DYNAMODB_ENDPOINT: endpoint });
// Asked at every (re)connect: a server restarted on this DATA_DIR publishes its new URL.
const wakeSource = () => config.WORKER_WAKE_URL ?? findPublishedServer(config.DATA_DIR, { endpoint, tablePrefix: config.TABLE_PREFIX });
const worker = await assemble(config, workerRoles(config), { secretsKey, chaos: { env: process.env }, wakeSource });
const { logger, metrics } = worker.deps;
// A worker has no /_chaos API: a parent that forked it (the scenario runner) relays rules instead.
listenForChaos(worker.chaos, (err) => logger.warn({ err }, 'relayed chaos rule refused'));
const { registry } = metrics;

// Metrics only: a worker has no API. Its port is its own (WORKER_METRICS_PORT), never the server's PORT.
const metricsServer = createServer(async (req, res) => {
  if (req.url !== '/metrics') return res.writeHead(404).end();
  res.writeHead(200, { 'content-type': registry.contentType }).end(await registry.metrics());
});
metricsServer.once('error', async (err: NodeJS.ErrnoException) => {
  console.error(
    err.code === 'EADDRINUSE'
      ? `npm run worker: ${config.HOST}:${config.WORKER_METRICS_PORT} is already in use (set WORKER_METRICS_PORT to another port, or 0 for a free one)`
      : `npm run worker: cannot serve metrics: ${err.message}`,
  );
  await worker.close();
  process.exit(1);
});
metricsServer.listen(config.WORKER_METRICS_PORT, config.HOST, () => {
  const address = metricsServer.address();
  const port = typeof address === 'object' && address ? address.port : config.WORKER_METRICS_PORT;
  console.log(`worker running on ${endpoint === 'aws' ? 'AWS DynamoDB' : endpoint}: concurrency ${config.WORKER_CONCURRENCY}, analytics ${worker.analytics ? config.ANALYTICS_FEED : 'off'}, metrics on http://${config.HOST}:${port}/metrics`);
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
    await worker.close();
    process.exit(0);
  });
}

// `npm run worker`: every background job — fan-out, delivery, analytics, key expiry — without the API,
// in its own process against a shared DynamoDB (DYNAMODB_ENDPOINT). Several such processes can run
// at once: leases and conditional writes keep them apart.
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { assemble, workerRoles } from '../assemble.js';
import type { ReadyMessage } from '../child-stack.js';
import { loadConfig } from '../config.js';

// The lockfile pins AWS SDK releases that support Node 20; the SDK's notice about future releases
// needing Node 22 is not actionable for a user of this build, so it stays off unless asked for.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const config = loadConfig(process.env);
// The server's secrets key: SECRETS_KEY, or the one `npm start` generated under DATA_DIR.
const keyFile = join(config.DATA_DIR, 'secrets.key');
const secretsKey = config.SECRETS_KEY ?? (existsSync(keyFile) ? readFileSync(keyFile, 'utf8').trim() : undefined);
if (config.DYNAMODB_ENDPOINT === undefined || secretsKey === undefined) {
  console.error('npm run worker needs DYNAMODB_ENDPOINT (the DynamoDB the server uses, or `aws`) and the server\'s SECRETS_KEY (or its DATA_DIR)');
  process.exit(2);
}
const worker = await assemble(config, workerRoles(config), { secretsKey, chaos: { env: process.env } });
const { logger, metrics } = worker.deps;
const { registry } = metrics;

// Metrics only: a worker has no API. PORT=0 picks a free port.
const metricsServer = createServer(async (req, res) => {
  if (req.url !== '/metrics') return res.writeHead(404).end();
  res.writeHead(200, { 'content-type': registry.contentType }).end(await registry.metrics());
}).listen(config.PORT, config.HOST, () => {
  const address = metricsServer.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  console.log(`worker running: concurrency ${config.WORKER_CONCURRENCY}, analytics ${worker.analytics ? config.ANALYTICS_FEED : 'off'}, metrics on http://${config.HOST}:${port}/metrics`);
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

// `npm start`: reads the environment, starts the Triggers API on embedded or external DynamoDB,
// prints how to use it, and shuts down cleanly on SIGTERM/SIGINT.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exitOnHelpArgs } from './help-only-args.js';
import { claimDataDir, DATA_FILES, persistedAdminToken, persistedSecretsKey, publishEndpoint, publishServer } from './data-dir.js';
import type { ReadyMessage } from './child-stack.js';

const usage = `usage: npm start [-- --help]

Starts the Triggers API with its background workers. Configured by environment variables (see
README.md, Configuration): PORT [8080], HOST [127.0.0.1], DATA_DIR [.data], DYNAMODB_ENDPOINT [unset:
embedded dynalite on disk under DATA_DIR], ADMIN_TOKEN [generated once per DATA_DIR], and more.

With the embedded store, its endpoint is written to DATA_DIR/${DATA_FILES.endpoint} while the server
runs, so \`npm run worker\` and \`npm run migrate:api-keys\` with the same DATA_DIR find it; the server's
URL goes to DATA_DIR/${DATA_FILES.server}, where \`npm run worker\` finds its wake stream.

options:
  -h, --help  show this help`;

exitOnHelpArgs('npm start', usage);

// The server's modules (Express, the AWS SDK, zod) are loaded only now: --help and a bad option answer
// without them (0.2 s of CPU instead of 1.5).
const [{ loadConfig }, { issueApiKey }, { startFailure }, { startTriggersApi }, { ensureDashboardBuilt }] = await Promise.all([
  import('./config.js'),
  import('./http/issue-api-key.js'),
  import('./start-failure.js'),
  import('./triggers-api.js'),
  import('./web/build-dashboard.js'),
]);

// The lockfile pins AWS SDK releases that support Node 20; the SDK's notice about future releases
// needing Node 22 is not actionable for a user of this build, so it stays off unless asked for.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const config = (() => {
  try {
    return loadConfig(process.env);
  } catch (err) {
    console.error(`cannot start: ${(err as Error).message}`);
    process.exit(2);
  }
})();
// One server per DATA_DIR (the folder is made if need be): the part-written batches kept there are this
// server's to finish.
const releaseDataDir = await claimDataDir(config.DATA_DIR).catch((err: unknown) => {
  console.error(`cannot start: ${(err as Error).message}`);
  process.exit(1);
});

const secretsKey = config.SECRETS_KEY ?? persistedSecretsKey(config.DATA_DIR);
const generated = config.ADMIN_TOKEN === undefined ? persistedAdminToken(config.DATA_DIR, secretsKey) : undefined;
const adminToken = config.ADMIN_TOKEN ?? generated!.token;

const api = await startTriggersApi(config, {
  adminToken,
  secretsKey,
  embeddedPath: join(config.DATA_DIR, 'dynamodb'),
  unfinishedWritesPath: join(config.DATA_DIR, DATA_FILES.unfinishedWrites),
  inFlightLogPath: join(config.DATA_DIR, DATA_FILES.inFlightWrites),
  chaos: { env: process.env },
}).catch((err: unknown) => {
  console.error(startFailure(err, config));
  process.exit(1);
});
if (!releaseDataDir) api.deps.logger.warn({ path: join(config.DATA_DIR, DATA_FILES.serverLock) }, 'cannot hold DATA_DIR with a Unix socket there (a path too long for a socket, or a file system without them): nothing stops a second server on this DATA_DIR');
// Other processes on this DATA_DIR (npm run worker, migrations) find the embedded store through this.
const unpublishEndpoint = config.DYNAMODB_ENDPOINT === undefined ? publishEndpoint(config.DATA_DIR, api.endpoint) : () => {};
// ...and `npm run worker` on this DATA_DIR follows this server's wake stream through this.
const unpublishServer = (() => {
  try {
    return publishServer(config.DATA_DIR, { url: api.url, endpoint: api.endpoint, tablePrefix: config.TABLE_PREFIX });
  } catch (err) {
    // Only a convenience: workers that cannot find this server poll instead, or are given WORKER_WAKE_URL.
    api.deps.logger.warn({ err }, `cannot record the server's URL under DATA_DIR=${config.DATA_DIR}; set WORKER_WAKE_URL on workers to wake them at once`);
    return () => {};
  }
})();
const unpublish = () => {
  unpublishEndpoint();
  unpublishServer();
};

// Cached: builds only when the dashboard's sources changed since the last build (or npm install's).
const dashboard = await ensureDashboardBuilt().then(() => `${api.url}/dashboard`, (err: unknown) => `not built (${err instanceof Error ? err.message : String(err)}); run npm run build:dashboard`);
const lines = [
  `Triggers API listening on ${api.url}`,
  `Dashboard: ${dashboard}`,
  config.DYNAMODB_ENDPOINT === undefined
    ? `DynamoDB: embedded dynalite at ${api.endpoint} (data in ${join(config.DATA_DIR, 'dynamodb')}; endpoint in ${join(config.DATA_DIR, DATA_FILES.endpoint)} for npm run worker)`
    : `DynamoDB: ${config.DYNAMODB_ENDPOINT}`,
  `Admin token: ${generated === undefined ? '(from ADMIN_TOKEN)' : `${adminToken}${generated.minted ? '' : ` (kept from an earlier start; sealed in ${join(config.DATA_DIR, DATA_FILES.adminToken)})`}`}`,
];
if (api.chaos?.enabled) lines.push(`Chaos: ENABLED, seed ${api.chaos.seed} (replay with CHAOS_SEED=${api.chaos.seed}); control API at ${api.url}/_chaos/rules`);
if (config.BOOTSTRAP_KEY ?? config.NODE_ENV !== 'production') {
  // A development convenience: a fresh key on a tenant kept across restarts, so earlier data stays visible.
  const tenantFile = join(config.DATA_DIR, 'bootstrap-tenant');
  const tenantId = existsSync(tenantFile) ? readFileSync(tenantFile, 'utf8').trim() : undefined;
  const key = await issueApiKey(api.deps, { name: 'bootstrap', tenantId, tier: 'enterprise' });
  writeFileSync(tenantFile, key.tenant_id);
  lines.push(`API key: ${key.api_key}`, '', 'Try it:', `  curl -s -X POST ${api.url}/v1/events -H 'Authorization: Bearer ${key.api_key}' -H 'Content-Type: application/json' -d '{"source":"demo","event_type":"demo.hello","payload":{"hello":"world"}}'`);
}
console.log(lines.join('\n'));
// A parent that forked this process (child-stack.ts) learns it is ready from this, not from the text above.
process.send?.({ type: 'ready', url: api.url } satisfies ReadyMessage);

let stopping = false;
// A forked child also stops when its parent goes away, so a crashed parent leaves no orphan behind.
for (const signal of ['SIGTERM', 'SIGINT', 'disconnect'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    unpublish();
    api.deps.logger.info({ signal }, 'shutting down: draining in-flight requests');
    api.close().then(
      () => {
        releaseDataDir?.();
        process.exit(0);
      },
      (err: unknown) => {
        api.deps.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}

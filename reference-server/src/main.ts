// `npm start`: reads the environment, starts the Triggers API on embedded or external DynamoDB,
// prints how to use it, and shuts down cleanly on SIGTERM/SIGINT.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfig } from './config.js';
import { issueApiKey } from './http/issue-api-key.js';
import { startTriggersApi } from './triggers-api.js';
import type { ReadyMessage } from './child-stack.js';

// The lockfile pins AWS SDK releases that support Node 20; the SDK's notice about future releases
// needing Node 22 is not actionable for a user of this build, so it stays off unless asked for.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const config = loadConfig(process.env);
mkdirSync(config.DATA_DIR, { recursive: true });

const adminToken = config.ADMIN_TOKEN ?? `adm_${randomBytes(24).toString('base64url')}`;
const secretsKey = config.SECRETS_KEY ?? persistedSecret(join(config.DATA_DIR, 'secrets.key'));

const api = await startTriggersApi(config, {
  adminToken,
  secretsKey,
  embeddedPath: join(config.DATA_DIR, 'dynamodb'),
  chaos: { env: process.env },
}).catch((err: unknown) => {
  const code = (err as { code?: string }).code;
  console.error(
    code === 'EADDRINUSE'
      ? `cannot start: ${config.HOST}:${config.PORT} is already in use (set PORT to another port)`
      : `cannot start: ${err instanceof Error ? err.message : String(err)}`,
  );
  process.exit(1);
});

const lines = [
  `Triggers API listening on ${api.url}`,
  `DynamoDB: ${config.DYNAMODB_ENDPOINT ?? `embedded dynalite (${join(config.DATA_DIR, 'dynamodb')})`}`,
  `Admin token: ${config.ADMIN_TOKEN ? '(from ADMIN_TOKEN)' : adminToken}`,
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
    api.deps.logger.info({ signal }, 'shutting down: draining in-flight requests');
    api.close().then(
      () => process.exit(0),
      (err: unknown) => {
        api.deps.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}

/** Reads a secret from `file`, creating it (mode 0600) on first start. */
function persistedSecret(file: string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

// `npm run migrate:api-keys [-- --dry-run]`: upgrades legacy API key records to version 1 / active
// and prints the counts as JSON. Uses the server's configuration (DYNAMODB_ENDPOINT, TABLE_PREFIX,
// DATA_DIR). Next to a running `npm start` it goes through the endpoint the server published under
// DATA_DIR; with no server running it opens the embedded store itself.
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../reference-server/src/config.js';
import { findPublishedEndpoint } from '../reference-server/src/data-dir.js';
import { ApiKeysStore } from '../reference-server/src/store/api-keys-store.js';
import { createDynamo } from '../reference-server/src/store/dynamo-client.js';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../reference-server/src/store/embedded-dynalite.js';
import { migrateLegacyKeys } from '../reference-server/src/store/migrate-legacy-keys.js';
import { ensureTables, tableNames } from '../reference-server/src/store/tables.js';

const usage = `usage: npm run migrate:api-keys [-- --dry-run]

Upgrades legacy API key records (no version or status) to version 1 / active, idempotently, and
prints the counts as JSON. Uses the server's configuration: DYNAMODB_ENDPOINT, TABLE_PREFIX, DATA_DIR.
With DYNAMODB_ENDPOINT unset it works through a running \`npm start\` on the same DATA_DIR, or opens
the embedded store under DATA_DIR when no server runs.

options:
  --dry-run   count what would change without writing
  -h, --help  show this help`;

let parsed;
try {
  parsed = parseArgs({ options: { 'dry-run': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } } });
} catch (err) {
  console.error(`migrate:api-keys: ${(err as Error).message.replace(/\s*\n\s*/g, ' ')} (see --help)`);
  process.exit(2);
}
const { values } = parsed;
if (values.help) {
  console.log(usage);
  process.exit(0);
}
let config;
try {
  config = loadConfig(process.env);
} catch (err) {
  console.error(`migrate:api-keys: ${(err as Error).message}`);
  process.exit(2);
}
let embedded: EmbeddedDynamo | undefined;
try {
  const running = config.DYNAMODB_ENDPOINT ?? findPublishedEndpoint(config.DATA_DIR);
  if (running === undefined) embedded = await openEmbedded(join(config.DATA_DIR, 'dynamodb'));
  const endpoint = running ?? embedded!.endpoint;
  const dynamo = createDynamo({ endpoint: endpoint === 'aws' ? undefined : endpoint, region: config.AWS_REGION });
  await ensureTables(dynamo.client, config.TABLE_PREFIX);
  const table = tableNames(config.TABLE_PREFIX)['api-keys'];
  const report = await migrateLegacyKeys(new ApiKeysStore(dynamo.doc, table), table, { dryRun: values['dry-run'] });
  console.log(JSON.stringify({ table, ...report }));
  dynamo.client.destroy();
} catch (err) {
  const message = err instanceof Error ? err.message : String(err);
  // The embedded store's child exits when another process holds its files (a server that published no endpoint).
  const held = embedded !== undefined && /ECONNREFUSED/.test(message);
  console.error(
    held
      ? `migration failed: the embedded store in ${join(config.DATA_DIR, 'dynamodb')} is in use by another process: stop it, or set DYNAMODB_ENDPOINT to the store it serves`
      : `migration failed: ${message}`,
  );
  process.exitCode = 1;
} finally {
  await embedded?.stop();
}

/** Opens the embedded store, or explains in one line why it cannot (another process holds its files). */
async function openEmbedded(path: string): Promise<EmbeddedDynamo> {
  try {
    return await startEmbeddedDynamo({ path });
  } catch (err) {
    throw new Error(`cannot open the embedded store in ${path} (${(err as Error).message}): if a server uses it, start that server with this DATA_DIR so its endpoint is published, or set DYNAMODB_ENDPOINT`);
  }
}

// `npm run migrate:api-keys [-- --dry-run]`: upgrades legacy API key records to version 1 / active
// and prints the counts as JSON. Uses the server's configuration (DYNAMODB_ENDPOINT, TABLE_PREFIX,
// DATA_DIR); with the embedded store, stop the server first (its files are locked while it runs).
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../reference-server/src/config.js';
import { ApiKeysStore } from '../reference-server/src/store/api-keys-store.js';
import { createDynamo } from '../reference-server/src/store/dynamo-client.js';
import { startEmbeddedDynamo, type EmbeddedDynamo } from '../reference-server/src/store/embedded-dynalite.js';
import { migrateLegacyKeys } from '../reference-server/src/store/migrate-legacy-keys.js';
import { ensureTables, tableNames } from '../reference-server/src/store/tables.js';

const usage = `usage: npm run migrate:api-keys [-- --dry-run]

Upgrades legacy API key records (no version or status) to version 1 / active, idempotently, and
prints the counts as JSON. Uses the server's configuration: DYNAMODB_ENDPOINT, TABLE_PREFIX, DATA_DIR.

options:
  --dry-run   count what would change without writing
  -h, --help  show this help`;

let parsed;
try {
  parsed = parseArgs({ options: { 'dry-run': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } } });
} catch (err) {
  console.error(`migrate:api-keys: ${(err as Error).message} (see --help)`);
  process.exit(2);
}
const { values } = parsed;
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const config = loadConfig(process.env);
let embedded: EmbeddedDynamo | undefined;
try {
  if (config.DYNAMODB_ENDPOINT === undefined) embedded = await startEmbeddedDynamo({ path: join(config.DATA_DIR, 'dynamodb') });
  const endpoint = config.DYNAMODB_ENDPOINT ?? embedded!.endpoint;
  const dynamo = createDynamo({ endpoint: endpoint === 'aws' ? undefined : endpoint, region: config.AWS_REGION });
  await ensureTables(dynamo.client, config.TABLE_PREFIX);
  const table = tableNames(config.TABLE_PREFIX)['api-keys'];
  const report = await migrateLegacyKeys(new ApiKeysStore(dynamo.doc, table), table, { dryRun: values['dry-run'] });
  console.log(JSON.stringify({ table, ...report }));
  dynamo.client.destroy();
} catch (err) {
  console.error(`migration failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  await embedded?.stop();
}

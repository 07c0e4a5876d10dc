// Upgrades legacy API key records (written before key lifecycles: no `version` or `status`) to
// version 1, active. Idempotent: each write is conditional on the record still being legacy.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { SCOPES } from '../domain/scopes.js';
import type { ApiKeysStore } from './api-keys-store.js';

/** Counts a migration run reports. */
export interface MigrationReport {
  dry_run: boolean;
  /** Records read. */
  scanned: number;
  /** Legacy records upgraded (or, in a dry run, that would be). */
  migrated: number;
  /** Records that already had a version and status (including ones another run upgraded meanwhile). */
  already_current: number;
}

/** Whether a stored record predates key lifecycles. */
function isLegacyKey(item: Record<string, unknown>): boolean {
  return item.version === undefined || item.status === undefined;
}

/**
 * Scans every key record and upgrades the legacy ones: `version` 1, `status` active, null
 * `previous_version`/`rotated_at`/`expires_at`, its own id as lineage, and the default scopes and
 * tier when missing. Fields a record already has are never overwritten.
 * @example const report = await migrateLegacyKeys(keysStore, names["api-keys"], { dryRun: true });
 */
export async function migrateLegacyKeys(
  keys: ApiKeysStore,
  table: string,
  opts: { dryRun: boolean },
): Promise<MigrationReport> {
  const report: MigrationReport = { dry_run: opts.dryRun, scanned: 0, migrated: 0, already_current: 0 };
  for await (const item of keys.scan()) {
    report.scanned++;
    if (!isLegacyKey(item as unknown as Record<string, unknown>)) {
      report.already_current++;
      continue;
    }
    if (opts.dryRun) {
      report.migrated++;
      continue;
    }
    const upgraded = await keys.conditional(
      new UpdateCommand({
        TableName: table,
        Key: { key_id: item.key_id },
        UpdateExpression: [
          'SET version = if_not_exists(version, :one)',
          '#s = if_not_exists(#s, :active)',
          'previous_version = if_not_exists(previous_version, :null)',
          'rotated_at = if_not_exists(rotated_at, :null)',
          'expires_at = if_not_exists(expires_at, :null)',
          'lineage_id = if_not_exists(lineage_id, :id)',
          'scopes = if_not_exists(scopes, :scopes)',
          'tier = if_not_exists(tier, :free)',
        ].join(', '),
        ConditionExpression: 'attribute_exists(key_id) AND (attribute_not_exists(version) OR attribute_not_exists(#s))',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':one': 1, ':active': 'active', ':null': null, ':id': item.key_id, ':scopes': [...SCOPES], ':free': 'free' },
      }),
    );
    if (upgraded) report.migrated++;
    else report.already_current++;
  }
  return report;
}

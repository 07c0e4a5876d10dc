// The legacy key migration: seeded records without version/status are upgraded to version 1 /
// active, a dry run changes nothing, a second run changes nothing, and the npm script reports counts.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../reference-server/src/domain/api-key-material.js';
import { migrateLegacyKeys } from '../../reference-server/src/store/migrate-legacy-keys.js';
import { ADMIN_TOKEN, sameStore, startTestApi, type TestApi } from '../support/test-api.js';

const table = () => `${api.deps.config.TABLE_PREFIX}api-keys`;
const root = resolve(import.meta.dirname, '../..');
let api: TestApi;
const legacyKey = `tr_${'L'.repeat(43)}`;

beforeAll(async () => {
  api = await startTestApi({ WORKER_ENABLED: 'false' });
  await api.createKey({ name: 'current' });
  // Records as the first API version wrote them: no version, status, lineage, rotation fields.
  for (let i = 0; i < 3; i++) {
    const key = i === 0 ? legacyKey : `tr_${String(i).repeat(43)}`;
    await api.dynamo.doc.send(
      new PutCommand({
        TableName: table(),
        Item: {
          key_id: `key_legacy${String(i).padStart(20, '0')}`,
          tenant_id: 'tnt_legacy0000000000000000000',
          name: `legacy-${i}`,
          key_prefix: key.slice(0, 10),
          key_hash: hashApiKey(key),
          scopes: ['events:read'],
          tier: 'free',
          created_at: '2025-01-01T00:00:00.000Z',
        },
      }),
    );
  }
});
afterAll(async () => api?.close());

describe('migrate:api-keys', () => {
  it('reports what a dry run would do and changes nothing', async () => {
    const report = await migrateLegacyKeys(api.deps.stores.apiKeys, table(), { dryRun: true });
    expect(report).toEqual({ dry_run: true, scanned: 4, migrated: 3, already_current: 1 });
    expect((await api.deps.stores.apiKeys.get('key_legacy00000000000000000000'))?.version).toBeUndefined();
  });

  it('upgrades legacy records through the npm script, then finds nothing to do', async () => {
    const env = { ...process.env, ...sameStore(api), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    const run = async (args: string[]) => {
      const { stdout } = await promisify(execFile)('npm', ['run', '-s', 'migrate:api-keys', '--', ...args], { cwd: root, env, timeout: 60_000 });
      return JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    };
    expect(await run([])).toMatchObject({ dry_run: false, scanned: 4, migrated: 3, already_current: 1 });
    const upgraded = await api.deps.stores.apiKeys.get('key_legacy00000000000000000000');
    expect(upgraded).toMatchObject({ version: 1, status: 'active', previous_version: null, rotated_at: null, expires_at: null, lineage_id: 'key_legacy00000000000000000000', scopes: ['events:read'] });
    expect(await run([])).toMatchObject({ migrated: 0, already_current: 4 });
  });

  it('leaves a migrated legacy key able to authenticate and rotate to version 2', async () => {
    expect((await api.call('GET', '/v1/inbox', { key: legacyKey })).status).toBe(200);
    const rotated = await api.call('POST', '/v1/api-keys/key_legacy00000000000000000000/rotate', { key: ADMIN_TOKEN, body: { transition_days: 0 } });
    expect(rotated.status).toBe(201);
    expect(rotated.body).toMatchObject({ version: 2, lineage_id: 'key_legacy00000000000000000000', tenant_id: 'tnt_legacy0000000000000000000' });
    expect((await api.call('GET', '/v1/inbox', { key: legacyKey })).status).toBe(401);
  });
});

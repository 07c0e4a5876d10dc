// The audit log on a real server: key operations are recorded without secrets, listing filters and
// pages, tampering with a stored entry is located by verify, and concurrent writers form one chain.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../../reference-server/src/domain/clock.js';
import { createIdGenerator } from '../../../reference-server/src/domain/ids.js';
import { AuditLog } from '../../../reference-server/src/store/audit-log.js';
import { AuditStore } from '../../../reference-server/src/store/audit-store.js';
import { ADMIN_TOKEN, startTestApi, type TestApi } from '../../support/test-api.js';
import { waitFor } from '../../support/wait-for.js';

// Tables follow the server's prefix (each server gets its own when suites run against DynamoDB Local).
const auditTable = () => `${api.deps.config.TABLE_PREFIX}audit`;
let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ WORKER_ENABLED: 'false' });
});
afterAll(async () => api?.close());

const list = async (query = '', key = ADMIN_TOKEN) => api.call('GET', `/v1/audit${query}`, { key });

describe('audit log', () => {
  it('records key creation, rotation and revocation without any secret', async () => {
    const key = await api.createKey({ name: 'audited' });
    const rotated = await api.call('POST', `/v1/api-keys/${key.key_id}/rotate`, { key: key.api_key });
    await api.call('POST', `/v1/api-keys/${rotated.body.key_id}/revoke`, { key: ADMIN_TOKEN });
    const res = await list(`?limit=100`);
    expect(res.status).toBe(200);
    const mine = res.body.entries.filter((e: { tenant_id: string }) => e.tenant_id === key.tenant_id);
    expect(mine.map((e: { action: string }) => e.action)).toEqual(['api_key.revoke', 'api_key.rotate', 'api_key.create']);
    expect(mine[1]).toMatchObject({ actor: `key:${key.key_id}`, target: key.key_id, details: { new_key_id: rotated.body.key_id } });
    expect(mine[0].actor).toBe('admin');
    const text = JSON.stringify(res.body);
    for (const secret of [key.api_key, key.signing_secret, rotated.body.api_key, rotated.body.signing_secret]) expect(text).not.toContain(secret);
  });

  it('redacts secrets handed to record()', async () => {
    await api.deps.audit.record({ action: 'webhook.create', actor: 'test', details: { secret: 'whsec_abcdefghijkl', url: 'https://x.test' } });
    const res = await list('?action=webhook.create');
    expect(res.body.entries[0].details).toEqual({ secret: '[redacted]', url: 'https://x.test' });
  });

  it('records an entry whose details JSON cannot hold, noting that instead of failing', async () => {
    await api.deps.audit.record({ action: 'test.bigint', actor: 'test', details: { n: 1n } });
    const res = await list('?action=test.bigint');
    expect(res.body.entries[0].details).toEqual({ unserialisable_details: true });
  });

  it('filters by action, actor and time, and pages with a cursor', async () => {
    for (let i = 0; i < 5; i++) await api.deps.audit.record({ action: 'test.page', actor: `pager-${i % 2}` });
    const first = await list('?action=test.page&limit=2');
    expect(first.body.entries).toHaveLength(2);
    expect(first.body.has_more).toBe(true);
    const rest = await list(`?action=test.page&limit=10&cursor=${first.body.next_cursor}`);
    expect(rest.body.entries).toHaveLength(3);
    const all = [...first.body.entries, ...rest.body.entries].map((e: { index: number }) => e.index);
    expect(all).toEqual([...all].sort((x, y) => y - x));
    expect(new Set(all).size).toBe(5);
    expect((await list('?action=test.page&actor=pager-1')).body.entries).toHaveLength(2);
    expect((await list('?action=test.page&to=2000-01-01T00:00:00Z')).body.entries).toHaveLength(0);
    expect((await list('?action=test.page&from=2000-01-01T00:00:00Z')).body.entries).toHaveLength(5);
    expect((await list('?cursor=garbage')).status).toBe(400);
  });

  it('shows a keys:manage key only its own tenant\'s entries, and verify only to the admin', async () => {
    const key = await api.createKey({ name: 'viewer' });
    await api.createKey({ name: 'someone-else' });
    const res = await list('?limit=100', key.api_key);
    expect(res.status).toBe(200);
    expect(res.body.entries.length).toBeGreaterThan(0);
    expect(res.body.entries.every((e: { tenant_id: string }) => e.tenant_id === key.tenant_id)).toBe(true);
    const reader = await api.createKey({ name: 'reader', scopes: ['events:read'] });
    expect((await list('', reader.api_key)).status).toBe(403);
    expect((await api.call('POST', '/v1/audit/verify', { key: key.api_key, body: {} })).status).toBe(401);
  });

  it('audits refused credentials, at most once a minute per reason and address', async () => {
    for (let i = 0; i < 3; i++) await api.call('GET', '/v1/inbox', { key: 'tr_' + 'x'.repeat(43) });
    const entries = await waitFor(async () => {
      const res = await list('?action=auth.failure');
      return res.body.entries.length > 0 ? res.body.entries : undefined;
    });
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ details: { reason: 'unknown', path: '/v1/inbox' } });
    expect(JSON.stringify(entries)).not.toContain('x'.repeat(43));
  });

  it('verifies an intact chain and names the index of an entry changed directly in DynamoDB', async () => {
    for (let i = 0; i < 3; i++) await api.deps.audit.record({ action: 'test.tamper', actor: 'test', details: { i } });
    const intact = await api.call('POST', '/v1/audit/verify', { key: ADMIN_TOKEN, body: {} });
    expect(intact.body).toMatchObject({ valid: true, from: 0 });
    expect(intact.body.checked).toBe(intact.body.to + 1);
    const victim = (await list('?action=test.tamper&limit=3')).body.entries[1].index as number;
    await api.dynamo.doc.send(
      new UpdateCommand({ TableName: auditTable(), Key: { chain: 'main', seq: victim }, UpdateExpression: 'SET actor = :a', ExpressionAttributeValues: { ':a': 'mallory' } }),
    );
    const broken = await api.call('POST', '/v1/audit/verify', { key: ADMIN_TOKEN, body: {} });
    expect(broken.body).toMatchObject({ valid: false, first_broken_index: victim, reason: 'hash_mismatch' });
    const before = await api.call('POST', '/v1/audit/verify', { key: ADMIN_TOKEN, body: { from: 0, to: victim - 1 } });
    expect(before.body.valid).toBe(true);
    // Restore, so the suites after this one see an intact chain.
    await api.dynamo.doc.send(
      new UpdateCommand({ TableName: auditTable(), Key: { chain: 'main', seq: victim }, UpdateExpression: 'SET actor = :a', ExpressionAttributeValues: { ':a': 'test' } }),
    );
    expect((await api.call('POST', '/v1/audit/verify', { key: ADMIN_TOKEN, body: {} })).body.valid).toBe(true);
  });

  it('builds one unbroken chain from 20 concurrent writers that share no memory', async () => {
    const headBefore = (await new AuditStore(api.dynamo.doc, auditTable()).head())?.seq ?? -1;
    const logger = pino({ level: 'silent' });
    const writers = Array.from({ length: 20 }, (_, i) => new AuditLog(new AuditStore(api.dynamo.doc, auditTable()), systemClock, createIdGenerator(systemClock, Math.random), logger, () => (i + 1) / 21));
    await Promise.all(writers.map((w, i) => w.record({ action: 'test.concurrent', actor: `writer-${i}` })));
    const verify = await api.call('POST', '/v1/audit/verify', { key: ADMIN_TOKEN, body: { from: headBefore + 1 } });
    expect(verify.body).toMatchObject({ valid: true, checked: 20, to: headBefore + 20 });
    const whole = await api.call('POST', '/v1/audit/verify', { key: ADMIN_TOKEN, body: {} });
    expect(whole.body.valid).toBe(true);
    const actors = (await list('?action=test.concurrent&limit=100')).body.entries.map((e: { actor: string }) => e.actor);
    expect(new Set(actors).size).toBe(20);
  });

  it('validates the verify range', async () => {
    const res = await api.call('POST', '/v1/audit/verify', { key: ADMIN_TOKEN, body: { from: 5, to: 2 } });
    expect(res.status).toBe(400);
  });
});

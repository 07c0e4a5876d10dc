// Rotation as a pure function: the next version inherits the tenant and settings; the old one
// gets its expiry; only the active version of a lineage rotates.
import { describe, expect, it } from 'vitest';
import type { ApiKeyRecord } from '../../../reference-server/src/domain/api-key.js';
import { planRotation } from '../../../reference-server/src/domain/key-rotation.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const key: ApiKeyRecord = {
  key_id: 'key_1',
  tenant_id: 'tnt_1',
  name: 'ci',
  key_prefix: 'tr_abcdefg',
  key_hash: 'h1',
  scopes: ['events:read'],
  tier: 'startup',
  status: 'active',
  version: 1,
  previous_version: null,
  rotated_at: null,
  expires_at: null,
  created_at: '2025-12-01T00:00:00.000Z',
  signing_secret_enc: 'enc1',
  lineage_id: 'key_1',
  signing_mode: 'required',
};
const input = { newKeyId: 'key_2', keyHash: 'h2', keyPrefix: 'tr_hijklmn', signingSecretEnc: 'enc2', nowMs: NOW, transitionDays: 7 };

describe('key rotation', () => {
  it('builds the next version on the same tenant and lineage with the same settings', () => {
    const plan = planRotation(key, input);
    if (!plan.ok) throw new Error(plan.reason);
    expect(plan.next).toMatchObject({
      key_id: 'key_2',
      tenant_id: 'tnt_1',
      lineage_id: 'key_1',
      version: 2,
      previous_version: 'key_1',
      status: 'active',
      scopes: ['events:read'],
      tier: 'startup',
      signing_mode: 'required',
      signing_secret_enc: 'enc2',
      key_hash: 'h2',
    });
    expect(plan.old).toEqual({ status: 'rotating', rotated_at: '2026-01-01T00:00:00.000Z', expires_at: '2026-01-08T00:00:00.000Z' });
  });

  it('ends the old version now with zero transition days', () => {
    const plan = planRotation(key, { ...input, transitionDays: 0 });
    expect(plan.ok && plan.old).toEqual({ status: 'expired', rotated_at: '2026-01-01T00:00:00.000Z', expires_at: '2026-01-01T00:00:00.000Z' });
  });

  it('refuses rotating, revoked and expired versions', () => {
    expect(planRotation({ ...key, status: 'rotating', expires_at: '2026-01-05T00:00:00Z' }, input)).toEqual({ ok: false, reason: 'not_current' });
    expect(planRotation({ ...key, status: 'revoked' }, input)).toEqual({ ok: false, reason: 'revoked' });
    expect(planRotation({ ...key, status: 'rotating', expires_at: '2025-12-31T00:00:00Z' }, input)).toEqual({ ok: false, reason: 'expired' });
  });

  it('treats a legacy record as version 1 of its own lineage', () => {
    const legacy = { ...key, version: undefined, status: undefined, lineage_id: undefined } as unknown as ApiKeyRecord;
    const plan = planRotation(legacy, input);
    expect(plan.ok && plan.next).toMatchObject({ version: 2, lineage_id: 'key_1' });
  });
});

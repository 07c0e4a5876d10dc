// The audit hash chain and secret redaction, without storage.
import { describe, expect, it } from 'vitest';
import { chainEntry, GENESIS_HASH, verifyChain, type AuditEntry } from '../../../reference-server/src/domain/audit-chain.js';
import { redactSecrets } from '../../../reference-server/src/domain/redact-secrets.js';

function chain(n: number): AuditEntry[] {
  const out: AuditEntry[] = [];
  for (let i = 0; i < n; i++) {
    out.push(chainEntry({ action: 'a', actor: 'admin', details: { i } }, i, out[i - 1]?.hash ?? GENESIS_HASH, `aud_${i}`, '2026-01-01T00:00:00.000Z'));
  }
  return out;
}

describe('audit chain', () => {
  it('verifies an intact chain and any sub-range of it', () => {
    const entries = chain(6);
    expect(verifyChain(entries, 0, 5, GENESIS_HASH)).toEqual({ valid: true, checked: 6 });
    expect(verifyChain(entries.slice(2, 5), 2, 4, entries[1]!.hash)).toEqual({ valid: true, checked: 3 });
  });

  it('names the first altered entry', () => {
    const entries = chain(6);
    entries[3] = { ...entries[3]!, details: { i: 99 } };
    expect(verifyChain(entries, 0, 5, GENESIS_HASH)).toMatchObject({ valid: false, first_broken_index: 3, reason: 'hash_mismatch' });
  });

  it('names a re-hashed forgery by its broken link, and a gap as missing', () => {
    const entries = chain(6);
    entries[2] = chainEntry({ action: 'forged', actor: 'x' }, 2, 'f'.repeat(64), 'aud_2', '2026-01-01T00:00:00.000Z');
    expect(verifyChain(entries, 0, 5, GENESIS_HASH)).toMatchObject({ valid: false, first_broken_index: 2, reason: 'link_mismatch' });
    const gap = chain(6).filter((e) => e.seq !== 4);
    expect(verifyChain(gap, 0, 5, GENESIS_HASH)).toMatchObject({ valid: false, first_broken_index: 4, reason: 'missing' });
  });

  it('redacts secrets by name and by shape, keeping identifiers', () => {
    const out = redactSecrets({
      api_key: 'tr_x',
      key_id: 'key_1',
      key_prefix: 'tr_abcdefg',
      nested: { signing_secret: 'sk_1', note: `rotated tr_${'a'.repeat(43)} today`, url: 'https://x.test' },
      list: [{ secret: 'whsec_abc' }],
      headers: { authorization: 'Bearer x' },
    });
    expect(out).toEqual({
      api_key: '[redacted]',
      key_id: 'key_1',
      key_prefix: 'tr_abcdefg',
      nested: { signing_secret: '[redacted]', note: 'rotated [redacted] today', url: 'https://x.test' },
      list: [{ secret: '[redacted]' }],
      headers: { authorization: '[redacted]' },
    });
  });
});

// The audit log's hash chain: each entry's hash covers its content and the previous entry's hash,
// so changing, removing or reordering any stored entry breaks every link after it.
import { createHash } from 'node:crypto';
import { canonicalJson } from './fingerprint.js';

/** The hash the first entry links to. */
export const GENESIS_HASH = '0'.repeat(64);

/** What a caller records. */
export interface AuditInput {
  action: string;
  actor: string;
  tenant_id?: string;
  target?: string;
  details?: Record<string, unknown>;
}

/** A stored entry; `seq` is its index in the chain (0 is the first). */
export interface AuditEntry {
  seq: number;
  entry_id: string;
  at: string;
  action: string;
  actor: string;
  tenant_id: string | null;
  target: string | null;
  details: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

/** SHA-256 hex over the canonical JSON of every field but `hash`. */
function hashEntry(entry: Omit<AuditEntry, 'hash'>): string {
  const { seq, entry_id, at, action, actor, tenant_id, target, details, prev_hash } = entry;
  return createHash('sha256')
    .update(canonicalJson({ seq, entry_id, at, action, actor, tenant_id, target, details, prev_hash }))
    .digest('hex');
}

/** Builds the entry at `seq` after an entry whose hash is `prevHash`. */
export function chainEntry(input: AuditInput, seq: number, prevHash: string, entryId: string, at: string): AuditEntry {
  const body = {
    seq,
    entry_id: entryId,
    at,
    action: input.action,
    actor: input.actor,
    tenant_id: input.tenant_id ?? null,
    target: input.target ?? null,
    details: input.details ?? {},
    prev_hash: prevHash,
  };
  return { ...body, hash: hashEntry(body) };
}

/** Verification outcome: valid, or the first index whose entry is missing, altered or unlinked. */
export type ChainCheck =
  | { valid: true; checked: number }
  | { valid: false; first_broken_index: number; reason: 'missing' | 'hash_mismatch' | 'link_mismatch'; checked: number };

/**
 * Checks entries `from..to` (sorted by seq). `prevHash` is the hash of entry `from - 1` as stored
 * (GENESIS_HASH when `from` is 0); `undefined` when that entry is itself gone.
 */
export function verifyChain(entries: AuditEntry[], from: number, to: number, prevHash: string | undefined): ChainCheck {
  let expectedPrev = prevHash;
  let checked = 0;
  let i = 0;
  for (let seq = from; seq <= to; seq++) {
    const entry = entries[i];
    if (!entry || entry.seq !== seq) return { valid: false, first_broken_index: seq, reason: 'missing', checked };
    i++;
    checked++;
    if (hashEntry(entry) !== entry.hash) return { valid: false, first_broken_index: seq, reason: 'hash_mismatch', checked };
    if (expectedPrev === undefined || entry.prev_hash !== expectedPrev) {
      return { valid: false, first_broken_index: seq, reason: 'link_mismatch', checked };
    }
    expectedPrev = entry.hash;
  }
  return { valid: true, checked };
}

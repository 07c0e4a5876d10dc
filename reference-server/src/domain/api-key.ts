// The API key record and the pure rule deciding whether a stored key may authenticate now.
import type { ApiKeyStatus, Scope, SigningMode, Tier } from './scopes.js';

/** A stored key version. The secret is never here: only its hash and a display prefix. */
export interface ApiKeyRecord {
  key_id: string;
  tenant_id: string;
  name: string;
  key_prefix: string;
  key_hash: string;
  scopes: Scope[];
  tier: Tier;
  status: ApiKeyStatus;
  version: number;
  previous_version: string | null;
  rotated_at: string | null;
  expires_at: string | null;
  created_at: string;
  /** Request-signing secret, encrypted at rest (see store/secret-box.ts). */
  signing_secret_enc: string;
  /** The first version's id: every version of one key shares it (absent on legacy records). */
  lineage_id?: string;
  /** Per-key request-signing mode; the server-wide SIGNING_MODE applies when absent. */
  signing_mode?: SigningMode;
  /** When the key was revoked (absent unless revoked). */
  revoked_at?: string;
  /** The version that replaced this one, once rotated. */
  next_version?: string;
  /** Which run of the expiry job marked it expired, so that run can tell its own landed write. */
  expired_by?: string;
}

/** The lineage a version belongs to; legacy records without one are their own lineage. */
export const lineageOf = (key: Pick<ApiKeyRecord, 'key_id' | 'lineage_id'>): string => key.lineage_id ?? key.key_id;

/** Why a key was refused, or `ok`. */
export type KeyCheck = 'ok' | 'revoked' | 'expired';

/**
 * Active and rotating keys authenticate until `expires_at`, exactly: the instant it passes the key
 * is refused, whether or not the expiry job has marked it yet.
 */
export function checkKeyUsable(key: Pick<ApiKeyRecord, 'status' | 'expires_at'>, nowMs: number): KeyCheck {
  if (key.status === 'revoked') return 'revoked';
  if (key.status === 'expired') return 'expired';
  if (key.expires_at !== null && Date.parse(key.expires_at) <= nowMs) return 'expired';
  return 'ok';
}

/** The public view of a key: everything but hashes and secrets. */
export function publicKeyView(key: ApiKeyRecord) {
  return {
    key_id: key.key_id,
    tenant_id: key.tenant_id,
    name: key.name,
    key_prefix: key.key_prefix,
    scopes: key.scopes,
    tier: key.tier,
    status: key.status,
    version: key.version,
    previous_version: key.previous_version,
    rotated_at: key.rotated_at,
    expires_at: key.expires_at,
    created_at: key.created_at,
    lineage_id: lineageOf(key),
    signing_mode: key.signing_mode ?? null,
    revoked_at: key.revoked_at ?? null,
    next_version: key.next_version ?? null,
  };
}

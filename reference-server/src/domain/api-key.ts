// The API key record and the pure rule deciding whether a stored key may authenticate now.
import type { ApiKeyStatus, Scope, Tier } from './scopes.js';

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
}

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
  };
}

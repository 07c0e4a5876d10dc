// Issues a new API key: generates the secret and signing secret, stores only the hash and the
// sealed signing secret, and returns the secrets once to the caller.
import { generateApiKey, generateSigningSecret } from '../domain/api-key-material.js';
import { publicKeyView, type ApiKeyRecord } from '../domain/api-key.js';
import { iso } from '../domain/clock.js';
import type { Scope, SigningMode, Tier } from '../domain/scopes.js';
import { SCOPES } from '../domain/scopes.js';
import type { AppDeps } from './app-deps.js';

export interface IssueKeyInput {
  name: string;
  scopes?: Scope[];
  tier?: Tier;
  /** Adds the key to an existing tenant; a new tenant is created when omitted. */
  tenantId?: string;
  /** Request-signing mode for this key; the server-wide SIGNING_MODE applies when omitted. */
  signingMode?: SigningMode;
}

/** Creates and stores a key; the result holds `api_key` and `signing_secret`, shown only here. */
export async function issueApiKey(
  deps: Pick<AppDeps, 'stores' | 'ids' | 'clock' | 'randomBytes' | 'secretBox'>,
  input: IssueKeyInput,
) {
  const material = generateApiKey(deps.randomBytes);
  const signingSecret = generateSigningSecret(deps.randomBytes);
  const keyId = deps.ids.next('key');
  const record: ApiKeyRecord = {
    key_id: keyId,
    tenant_id: input.tenantId ?? deps.ids.next('tnt'),
    name: input.name,
    key_prefix: material.keyPrefix,
    key_hash: material.keyHash,
    scopes: input.scopes ?? [...SCOPES],
    tier: input.tier ?? 'free',
    status: 'active',
    version: 1,
    previous_version: null,
    rotated_at: null,
    expires_at: null,
    created_at: iso(deps.clock.now()),
    signing_secret_enc: deps.secretBox.seal(signingSecret),
    lineage_id: keyId,
    ...(input.signingMode ? { signing_mode: input.signingMode } : {}),
  };
  await deps.stores.apiKeys.create(record);
  return { ...publicKeyView(record), api_key: material.apiKey, signing_secret: signingSecret };
}

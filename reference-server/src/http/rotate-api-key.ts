// Rotates an API key: stores the next version, then claims the old one with a conditional update
// (no transactions in dynalite). A lost race deletes the unused new version, so exactly one wins.
import { generateApiKey, generateSigningSecret } from '../domain/api-key-material.js';
import { publicKeyView } from '../domain/api-key.js';
import { planRotation } from '../domain/key-rotation.js';
import type { AppDeps } from './app-deps.js';

/** Outcome: the new version with its secrets (shown once), or why rotation was refused. */
export type RotateResult =
  | {
      ok: true;
      body: ReturnType<typeof publicKeyView> & {
        api_key: string;
        signing_secret: string;
        previous_key_id: string;
        previous_status: 'rotating' | 'expired';
        previous_expires_at: string;
      };
    }
  | { ok: false; reason: 'not_found' | 'not_current' | 'revoked' | 'expired' };

/**
 * Rotates `keyId` (which must be the lineage's active version). The old version keeps working for
 * `transitionDays` (0: it stops now), then the expiry job marks it expired; auth refuses it at
 * `expires_at` either way.
 */
export async function rotateApiKey(
  deps: Pick<AppDeps, 'stores' | 'ids' | 'clock' | 'randomBytes' | 'secretBox' | 'authenticator'>,
  keyId: string,
  transitionDays: number,
): Promise<RotateResult> {
  const current = await deps.stores.apiKeys.get(keyId);
  if (!current) return { ok: false, reason: 'not_found' };
  const material = generateApiKey(deps.randomBytes);
  const signingSecret = generateSigningSecret(deps.randomBytes);
  const plan = planRotation(current, {
    newKeyId: deps.ids.next('key'),
    keyHash: material.keyHash,
    keyPrefix: material.keyPrefix,
    signingSecretEnc: deps.secretBox.seal(signingSecret),
    nowMs: deps.clock.now(),
    transitionDays,
  });
  if (!plan.ok) return plan;
  // The new version first: if we crash before the claim, the old key is untouched and the orphan
  // version's secret was never shown to anyone.
  await deps.stores.apiKeys.create(plan.next);
  if (!(await deps.stores.apiKeys.claimRotation(current.key_id, plan.next.key_id, plan.old))) {
    await deps.stores.apiKeys.delete(plan.next.key_id);
    return { ok: false, reason: 'not_current' };
  }
  deps.authenticator.invalidate();
  return {
    ok: true,
    body: {
      ...publicKeyView(plan.next),
      api_key: material.apiKey,
      signing_secret: signingSecret,
      previous_key_id: current.key_id,
      previous_status: plan.old.status,
      previous_expires_at: plan.old.expires_at,
    },
  };
}

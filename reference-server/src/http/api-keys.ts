// API key management: the admin creates keys; the admin or the key's own tenant reads them.
// Secrets are returned once, at creation, and never again.
import { Router } from 'express';
import { z } from 'zod';
import { publicKeyView } from '../domain/api-key.js';
import { SCOPES, TIERS } from '../domain/scopes.js';
import { ApiError } from './api-error.js';
import { presentedCredential, requireAdmin, type Principal } from './auth.js';
import { safeEqual } from './authenticator.js';
import type { AppDeps } from './app-deps.js';
import { issueApiKey } from './issue-api-key.js';
import { validate } from './validate.js';

const CreateKeySchema = z.strictObject({
  name: z.string().trim().min(1).max(128),
  scopes: z.array(z.enum(SCOPES)).min(1).max(SCOPES.length).optional(),
  tier: z.enum(TIERS).optional(),
  tenant_id: z.string().regex(/^tnt_[0-9a-z]{26}$/).optional(),
});

export function apiKeysRouter(deps: AppDeps): Router {
  const router = Router();

  router.post('/v1/api-keys', requireAdmin(deps.adminToken), async (req, res) => {
    const body = validate(CreateKeySchema, req.body);
    const issued = await issueApiKey(deps, { name: body.name, scopes: body.scopes, tier: body.tier, tenantId: body.tenant_id });
    res.status(201).json(issued);
  });

  router.get('/v1/api-keys/:id', async (req, res) => {
    const principal = await adminOrKey(deps, req);
    const key = /^key_[0-9a-z]{26}$/.test(String(req.params.id)) ? await deps.stores.apiKeys.get(String(req.params.id)) : undefined;
    if (!key || (principal.kind === 'key' && key.tenant_id !== principal.tenantId)) throw ApiError.notFound('API key');
    res.json(publicKeyView(key));
  });

  return router;
}

/** The admin token or any usable key of the tenant; another tenant's key sees 404s, never 403s. */
async function adminOrKey(deps: AppDeps, req: Parameters<typeof presentedCredential>[0]): Promise<Principal> {
  const credential = presentedCredential(req);
  if (credential === undefined) throw ApiError.unauthorized();
  if (safeEqual(credential, deps.adminToken)) return { kind: 'admin' };
  const result = await deps.authenticator.authenticate(credential);
  if (!result.ok) throw ApiError.unauthorized('invalid or expired API key');
  return { kind: 'key', tenantId: result.key.tenant_id, key: result.key };
}

// API key management: the admin creates keys; the admin or a `keys:manage` key of the same tenant
// reads, rotates and revokes them. Secrets are returned once, at creation or rotation, never again.
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { iso } from '../domain/clock.js';
import { decodeCursor, encodeCursor } from '../domain/cursor.js';
import { lineageOf, publicKeyView, type ApiKeyRecord } from '../domain/api-key.js';
import { DEFAULT_TRANSITION_DAYS, MAX_TRANSITION_DAYS } from '../domain/key-rotation.js';
import { SCOPES, SIGNING_MODES, TIERS } from '../domain/scopes.js';
import { ApiError } from './api-error.js';
import { API_KEY_PREFIX } from '../domain/api-key-material.js';
import { authenticateKey, presentedCredential, requireAdmin, WRONG_ADMIN_TOKEN, type Principal } from './auth.js';
import { safeEqual } from './authenticator.js';
import type { AppDeps } from './app-deps.js';
import { issueApiKey } from './issue-api-key.js';
import { rotateApiKey } from './rotate-api-key.js';
import { validate } from './validate.js';

const KEY_ID = /^key_[0-9a-z]{26}$/;

const CreateKeySchema = z.strictObject({
  name: z.string().trim().min(1).max(128),
  scopes: z.array(z.enum(SCOPES)).min(1).max(SCOPES.length).optional(),
  tier: z.enum(TIERS).optional(),
  tenant_id: z.string().regex(/^tnt_[0-9a-z]{26}$/).optional(),
  signing_mode: z.enum(SIGNING_MODES).optional(),
});
const RotateSchema = z.strictObject({
  transition_days: z.number().int().min(0).max(MAX_TRANSITION_DAYS).default(DEFAULT_TRANSITION_DAYS),
});
const VersionsQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(512).optional(),
});

export function apiKeysRouter(deps: AppDeps): Router {
  const router = Router();

  router.post('/v1/api-keys', requireAdmin(deps.adminToken), async (req, res) => {
    const body = validate(CreateKeySchema, req.body);
    const issued = await issueApiKey(deps, { name: body.name, scopes: body.scopes, tier: body.tier, tenantId: body.tenant_id, signingMode: body.signing_mode });
    await deps.audit.record({ action: 'api_key.create', actor: 'admin', tenant_id: issued.tenant_id, target: issued.key_id, details: { name: issued.name, scopes: issued.scopes, tier: issued.tier } });
    res.status(201).json(issued);
  });

  router.get('/v1/api-keys/:id', async (req, res) => {
    const { key } = await managedKey(deps, req, res);
    res.json(publicKeyView(key));
  });

  router.get('/v1/api-keys/:id/versions', async (req, res) => {
    const { key } = await managedKey(deps, req, res);
    const q = validate(VersionsQuerySchema, req.query, 'query');
    const after = q.cursor === undefined ? '0' : decodeCursor(q.cursor);
    if (after === undefined || !/^\d+$/.test(after)) {
      throw new ApiError(400, 'validation_error', 'query.cursor: not a valid cursor', [{ field: 'query.cursor', message: 'invalid cursor' }]);
    }
    const lineage = (await deps.stores.apiKeys.listLineage(key.tenant_id, lineageOf(key))).filter((v) => (v.version ?? 1) > Number(after));
    const page = lineage.slice(0, q.limit);
    const last = page[page.length - 1];
    const hasMore = lineage.length > q.limit;
    res.json({
      lineage_id: lineageOf(key),
      versions: page.map(publicKeyView),
      next_cursor: hasMore && last ? encodeCursor(String(last.version ?? 1)) : null,
      has_more: hasMore,
    });
  });

  router.post('/v1/api-keys/:id/rotate', async (req, res) => {
    const { key, actor } = await managedKey(deps, req, res);
    const body = validate(RotateSchema, req.body ?? {});
    const result = await rotateApiKey(deps, key.key_id, body.transition_days);
    if (!result.ok) {
      if (result.reason === 'not_found') throw ApiError.notFound('API key');
      throw new ApiError(409, 'conflict', `only the active version of a key can be rotated (this one is ${result.reason === 'not_current' ? 'already rotated' : result.reason})`, { status: key.status });
    }
    await deps.audit.record({
      action: 'api_key.rotate',
      actor,
      tenant_id: key.tenant_id,
      target: key.key_id,
      details: { new_key_id: result.body.key_id, version: result.body.version, transition_days: body.transition_days, previous_expires_at: result.body.previous_expires_at },
    });
    res.status(201).json(result.body);
  });

  router.post('/v1/api-keys/:id/revoke', async (req, res) => {
    const { key, actor } = await managedKey(deps, req, res);
    const revoked = await deps.stores.apiKeys.revoke(key.key_id, iso(deps.clock.now()));
    if (!revoked) throw ApiError.notFound('API key');
    deps.authenticator.invalidate();
    if (key.status !== 'revoked') {
      await deps.audit.record({ action: 'api_key.revoke', actor, tenant_id: key.tenant_id, target: key.key_id, details: { version: key.version ?? 1 } });
    }
    res.json(publicKeyView(revoked));
  });

  return router;
}

/**
 * The key named in the path, if the caller may manage it: the admin token, or a `keys:manage` key
 * of the same tenant. Another tenant's key sees 404, never 403, so ids do not leak.
 */
async function managedKey(deps: AppDeps, req: Request, res: Response): Promise<{ key: ApiKeyRecord; actor: string }> {
  const principal = await adminOrKey(deps, req, res);
  const id = String(req.params.id);
  const key = KEY_ID.test(id) ? await deps.stores.apiKeys.get(id) : undefined;
  if (!key || (principal.kind === 'key' && key.tenant_id !== principal.tenantId)) throw ApiError.notFound('API key');
  if (principal.kind === 'key' && !principal.key?.scopes.includes('keys:manage')) {
    throw new ApiError(403, 'insufficient_scope', 'this key lacks the keys:manage scope', { required: 'keys:manage' });
  }
  return { key, actor: principal.kind === 'admin' ? 'admin' : `key:${principal.key!.key_id}` };
}

/** The admin token, or a usable key admitted through the guards (rate limit, signature). */
async function adminOrKey(deps: AppDeps, req: Request, res: Response): Promise<Principal> {
  const credential = presentedCredential(req);
  if (credential !== undefined && safeEqual(credential, deps.adminToken)) return { kind: 'admin' };
  // Not shaped like an API key: meant as the admin token (an old one, say), so the refusal says that.
  if (credential !== undefined && !credential.startsWith(API_KEY_PREFIX)) throw ApiError.unauthorized(WRONG_ADMIN_TOKEN);
  const principal = await authenticateKey(deps.authenticator, req, res);
  res.locals.principal = principal;
  return principal;
}

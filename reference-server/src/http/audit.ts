// Audit log routes: listing (the admin sees everything, a `keys:manage` key its own tenant) and
// chain verification (admin), which names the first entry that no longer matches its hash or link.
import { Router } from 'express';
import { z } from 'zod';
import { decodeCursor, encodeCursor } from '../domain/cursor.js';
import { ApiError } from './api-error.js';
import { authenticateKey, presentedCredential, requireAdmin, type Principal } from './auth.js';
import { safeEqual } from './authenticator.js';
import type { AppDeps } from './app-deps.js';
import { validate } from './validate.js';

const ListQuerySchema = z.strictObject({
  action: z.string().min(1).max(128).optional(),
  actor: z.string().min(1).max(128).optional(),
  from: z.iso.datetime().optional(),
  to: z.iso.datetime().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(512).optional(),
});
const VerifySchema = z.strictObject({
  from: z.number().int().min(0).default(0),
  to: z.number().int().min(0).optional(),
});

export function auditRouter(deps: AppDeps): Router {
  const router = Router();

  router.get('/v1/audit', async (req, res) => {
    const credential = presentedCredential(req);
    let principal: Principal;
    if (credential !== undefined && safeEqual(credential, deps.adminToken)) principal = { kind: 'admin' };
    else {
      principal = await authenticateKey(deps.authenticator, req, res);
      res.locals.principal = principal;
      if (!principal.key?.scopes.includes('keys:manage')) {
        throw new ApiError(403, 'insufficient_scope', 'this key lacks the keys:manage scope', { required: 'keys:manage' });
      }
    }
    const q = validate(ListQuerySchema, req.query, 'query');
    const before = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    if (q.cursor !== undefined && (before === undefined || !/^\d+$/.test(before))) {
      throw new ApiError(400, 'validation_error', 'query.cursor: not a valid cursor', [{ field: 'query.cursor', message: 'invalid cursor' }]);
    }
    const page = await deps.audit.list({
      action: q.action,
      actor: q.actor,
      from: q.from === undefined ? undefined : new Date(q.from).toISOString(),
      to: q.to === undefined ? undefined : new Date(q.to).toISOString(),
      tenantId: principal.kind === 'key' ? principal.tenantId : undefined,
      beforeSeq: before === undefined ? undefined : Number(before),
      limit: q.limit,
    });
    res.json({
      entries: page.entries.map(({ seq, ...rest }) => ({ index: seq, ...withoutChainKey(rest) })),
      next_cursor: page.nextBeforeSeq === undefined ? null : encodeCursor(String(page.nextBeforeSeq)),
      has_more: page.nextBeforeSeq !== undefined,
    });
  });

  router.post('/v1/audit/verify', requireAdmin(deps.adminToken), async (req, res) => {
    const body = validate(VerifySchema, req.body ?? {});
    if (body.to !== undefined && body.to < body.from) {
      throw new ApiError(400, 'validation_error', 'body.to: must not be before from', [{ field: 'body.to', message: 'must be >= from' }]);
    }
    res.json(await deps.audit.verify(body.from, body.to));
  });

  return router;
}

function withoutChainKey<T extends object>(entry: T): Omit<T, 'chain'> {
  const { chain: _chain, ...rest } = entry as T & { chain?: string };
  return rest;
}

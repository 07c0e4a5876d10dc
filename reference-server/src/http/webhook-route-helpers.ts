// Pieces shared by the webhook routers: paging parameters, cursor decoding, loading a webhook of the
// caller's tenant, and audit entries naming the acting key.
import { z } from 'zod';
import { decodeCursor } from '../domain/cursor.js';
import { ApiError } from './api-error.js';
import { tenantOf } from './auth.js';
import type { AppDeps } from './app-deps.js';

export const WEBHOOK_ID = /^whk_[0-9a-z]{26}$/;

/** `limit` and `cursor`, as every list route takes them. */
export const Page = { limit: z.coerce.number().int().min(1).max(100).default(50), cursor: z.string().max(1024).optional() };

/** The position a cursor names; a 400 naming `query.cursor` when it is not one of ours. */
export function cursorParam(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const after = decodeCursor(cursor);
  if (after === undefined) throw invalidCursor();
  return after;
}

/** The 400 for a cursor that is not one of ours (or not one of this listing's). */
export function invalidCursor(): ApiError {
  return new ApiError(400, 'validation_error', 'query.cursor: not a valid cursor', [{ field: 'query.cursor', message: 'invalid cursor' }]);
}

/** The tenant's webhook, or 404 (also for another tenant's id). */
export async function loadWebhook(deps: AppDeps, tenantId: string, id: string) {
  const w = WEBHOOK_ID.test(id) ? await deps.stores.webhooks.get(tenantId, id) : undefined;
  if (!w) throw ApiError.notFound('webhook');
  return w;
}

/** Records an audit entry for the request's key and tenant. */
export function auditFor(deps: AppDeps) {
  return (res: { locals: Record<string, unknown> }, action: string, target: string, details?: Record<string, unknown>) => {
    const principal = res.locals.principal as { key?: { key_id: string } } | undefined;
    return deps.audit.record({ action, actor: principal?.key?.key_id ?? 'unknown', tenant_id: tenantOf(res), target, details });
  };
}

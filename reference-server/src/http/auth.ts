// Authentication middleware: API keys (Bearer or X-API-Key) for tenant routes, the admin token
// for key management. 401 answers never say whether a key exists.
import type { Request, RequestHandler, Response } from 'express';
import type { ApiKeyRecord } from '../domain/api-key.js';
import type { Scope } from '../domain/scopes.js';
import { ApiError } from './api-error.js';
import { safeEqual, type Authenticator } from './authenticator.js';

/** Who is calling, once authenticated. */
export interface Principal {
  kind: 'key' | 'admin';
  tenantId?: string;
  key?: ApiKeyRecord;
}

/** The credential a request presents, from `Authorization: Bearer` or `X-API-Key`. */
export function presentedCredential(req: Request): string | undefined {
  const header = req.get('authorization');
  if (header !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match?.[1];
  }
  return req.get('x-api-key') ?? undefined;
}

/**
 * Requires a usable API key, then runs the authenticator's guards (rate limit, request signature);
 * sets `res.locals.principal`. Several routers may mount it on one path: a request already admitted
 * passes straight through, so it is counted and verified once.
 */
export function requireApiKey(auth: Authenticator): RequestHandler {
  return async (req, res, next) => {
    if ((res.locals.principal as Principal | undefined)?.kind === 'key') return next();
    res.locals.principal = await authenticateKey(auth, req, res);
    next();
  };
}

/** Authenticates the presented key and admits the request through the guards, or throws 401/403/429. */
export async function authenticateKey(auth: Authenticator, req: Request, res: Response): Promise<Principal> {
  const credential = presentedCredential(req);
  if (credential === undefined) {
    auth.reportFailure(req, 'missing');
    throw ApiError.unauthorized('missing API key');
  }
  const result = await auth.authenticate(credential);
  if (!result.ok) {
    auth.reportFailure(req, result.reason);
    throw ApiError.unauthorized('invalid or expired API key');
  }
  await auth.admit(req, res, result.key);
  return { kind: 'key', tenantId: result.key.tenant_id, key: result.key };
}

/** The refusal of a credential presented as the admin token: it names the admin token and where it comes from. */
export const WRONG_ADMIN_TOKEN = 'invalid admin token (ADMIN_TOKEN, or the one npm start printed for this DATA_DIR)';

/** Requires the admin token. */
export function requireAdmin(adminToken: string): RequestHandler {
  return (req, res, next) => {
    const credential = presentedCredential(req);
    if (credential === undefined || !safeEqual(credential, adminToken)) throw ApiError.unauthorized(credential === undefined ? 'admin token required' : WRONG_ADMIN_TOKEN);
    res.locals.principal = { kind: 'admin' } satisfies Principal;
    next();
  };
}

/** Requires the authenticated key to hold `scope` (403 `insufficient_scope` otherwise). */
export function requireScope(scope: Scope): RequestHandler {
  return (_req, res, next) => {
    const principal = res.locals.principal as Principal | undefined;
    if (principal?.kind === 'key' && !principal.key?.scopes.includes(scope)) {
      throw new ApiError(403, 'insufficient_scope', `this key lacks the ${scope} scope`, { required: scope });
    }
    next();
  };
}

/** The caller's tenant; only valid after `requireApiKey`. */
export function tenantOf(res: { locals: Record<string, unknown> }): string {
  const principal = res.locals.principal as Principal | undefined;
  if (!principal?.tenantId) throw ApiError.unauthorized();
  return principal.tenantId;
}

// The dashboard's own read-only endpoints, for what the public API has no route for: who the
// credential is (so the client knows which pages to show), the key list, and the scenario runs.
// Authorization is the API's own: the admin token, or a key admitted through the usual guards.
import { Router, type Request, type Response } from 'express';
import { publicKeyView, type ApiKeyRecord } from '../domain/api-key.js';
import { ApiError } from '../http/api-error.js';
import type { AppDeps } from '../http/app-deps.js';
import { authenticateKey, presentedCredential, type Principal } from '../http/auth.js';
import { safeEqual } from '../http/authenticator.js';
import { checkReportLink, signReportLink } from './report-link.js';
import { listRuns, runFile } from './runs-folder.js';

/** What the dashboard API needs from the app. */
export type DashboardApiDeps = Pick<AppDeps, 'adminToken' | 'authenticator' | 'config' | 'clock'> & { stores: Pick<AppDeps['stores'], 'apiKeys'> };

/**
 * A report is a self-contained page the runner wrote: its inline scripts and styles may run, but it
 * may load nothing and send nothing anywhere.
 */
const REPORT_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/** The most keys the list returns (a scan: meant for an operator's view, not for bulk export). */
const MAX_KEYS = 1000;

/**
 * `GET /api/session`, `GET /api/keys`, `GET /api/runs`, `POST /api/runs/:name/link`,
 * `GET /api/runs/:name/report.html` (relative to the dashboard mount). Runs are admin-only (a report
 * also opens with a link the admin signed); keys are the admin's (all) or a `keys:manage` key's tenant.
 */
export function dashboardApi(deps: DashboardApiDeps, runsDir: string): Router {
  const router = Router();
  const production = deps.config.NODE_ENV === 'production';

  router.get('/api/session', async (req, res) => {
    const principal = await caller(deps, req, res);
    if (principal.kind === 'admin') return void res.json({ kind: 'admin', chaos: !production });
    const key = principal.key!;
    res.json({ kind: 'key', key_id: key.key_id, tenant_id: key.tenant_id, name: key.name, scopes: key.scopes, chaos: false });
  });

  router.get('/api/keys', async (req, res) => {
    const principal = await caller(deps, req, res);
    if (principal.kind === 'key' && !principal.key?.scopes.includes('keys:manage')) {
      throw new ApiError(403, 'insufficient_scope', 'this key lacks the keys:manage scope', { required: 'keys:manage' });
    }
    const filter = principal.kind === 'key' ? { expression: 'tenant_id = :t', values: { ':t': principal.tenantId } } : undefined;
    const keys: ApiKeyRecord[] = [];
    for await (const key of deps.stores.apiKeys.scan(filter)) {
      keys.push(key);
      if (keys.length >= MAX_KEYS) break;
    }
    keys.sort((a, b) => b.created_at.localeCompare(a.created_at));
    res.json({ keys: keys.map(publicKeyView), truncated: keys.length >= MAX_KEYS });
  });

  router.get('/api/runs', async (req, res) => {
    requireAdminToken(deps, req);
    res.json({ runs: await listRuns(runsDir) });
  });

  router.post('/api/runs/:name/link', (req, res) => {
    requireAdminToken(deps, req);
    const name = String(req.params.name);
    if (!runFile(runsDir, name, 'report.html')) throw ApiError.notFound('run report');
    const query = signReportLink(deps.adminToken, name, deps.clock.now());
    res.json({ url: `/dashboard/api/runs/${encodeURIComponent(name)}/report.html?${query}` });
  });

  router.get('/api/runs/:name/report.html', (req, res) => {
    const name = String(req.params.name);
    if (presentedCredential(req) !== undefined || req.query.signature === undefined) requireAdminToken(deps, req);
    else if (!checkReportLink(deps.adminToken, name, req.query.expires, req.query.signature, deps.clock.now())) {
      throw ApiError.unauthorized('this report link is invalid or has expired: open the report again from the dashboard');
    }
    const path = runFile(runsDir, name, 'report.html');
    if (!path) throw ApiError.notFound('run report');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Content-Security-Policy', REPORT_CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // The runs folder is .aftershock/runs: a dot folder, which send refuses unless told (names are checked above).
    res.sendFile(path, { dotfiles: 'allow' });
  });

  return router;
}

async function caller(deps: DashboardApiDeps, req: Request, res: Response): Promise<Principal> {
  const credential = presentedCredential(req);
  if (credential !== undefined && safeEqual(credential, deps.adminToken)) return { kind: 'admin' };
  const principal = await authenticateKey(deps.authenticator, req, res);
  res.locals.principal = principal;
  return principal;
}

function requireAdminToken(deps: DashboardApiDeps, req: Request): void {
  const credential = presentedCredential(req);
  if (credential === undefined || !safeEqual(credential, deps.adminToken)) throw ApiError.unauthorized('admin token required');
}

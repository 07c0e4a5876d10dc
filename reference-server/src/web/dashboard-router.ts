// Serves the dashboard at /dashboard: the built bundle (see build-dashboard.ts) and the dashboard's
// small API. Mounted at '/dashboard', so requests to /v1 and other routes never reach it.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import express, { Router, type RequestHandler } from 'express';
import { buildDir, dashboardBuildId } from './build-id.js';
import { dashboardApi, type DashboardApiDeps } from './dashboard-api.js';
import { DEFAULT_RUNS_DIR, type DashboardOptions } from './dashboard-options.js';

/**
 * The browser gets a strict policy: scripts and connections only to this server (the bundle carries
 * every dependency, nothing comes from a CDN); inline styles are allowed because the charts set them.
 */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * The dashboard router; mount it with `app.use('/dashboard', dashboardRouter(deps))`.
 * The bundle's folder is looked up on the first request, not at construction, so building an app
 * (which tests do often) costs nothing; until a build exists /dashboard answers 503 saying how to build.
 * @example app.use('/dashboard', dashboardRouter(deps, { runsDir: '/tmp/runs' }));
 */
export function dashboardRouter(deps: DashboardApiDeps, options: DashboardOptions = {}): Router {
  const router = Router();
  router.use(dashboardApi(deps, resolve(options.runsDir ?? DEFAULT_RUNS_DIR)));

  const locate = options.locateBundle ?? (() => buildDir(dashboardBuildId()));
  let bundle = options.bundleDir;
  let assets: { dir: string; serve: RequestHandler } | undefined;
  const built = (dir: string | undefined): dir is string => dir !== undefined && existsSync(join(dir, 'index.html'));
  const ready = (): string | undefined => {
    if (built(bundle) || options.bundleDir !== undefined) return built(bundle) ? bundle : undefined;
    // Not found yet, or removed by a rebuild of newer sources: look for the current build again.
    bundle = locate();
    return built(bundle) ? bundle : undefined;
  };

  router.use('/assets', (req, res, next) => {
    const dir = ready();
    if (!dir) return next();
    // File names carry a content hash, so they can be cached for good.
    if (assets?.dir !== dir) assets = { dir, serve: express.static(join(dir, 'assets'), { index: false, immutable: true, maxAge: '365d' }) };
    assets.serve(req, res, next);
  });

  router.get(['/', '/index.html'], (_req, res) => {
    const dir = ready();
    res.setHeader('Content-Security-Policy', CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'no-cache');
    if (!dir) {
      res.status(503).type('text/plain').send('The dashboard is not built yet: run `npm run build:dashboard` (npm start and npm install build it), then reload.\n');
      return;
    }
    // The cache lives under node_modules/.cache: a dot folder, which send refuses unless told.
    res.sendFile(join(dir, 'index.html'), { dotfiles: 'allow' });
  });

  return router;
}

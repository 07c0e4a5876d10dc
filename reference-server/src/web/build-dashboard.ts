// Builds the dashboard bundle with Vite when no build of the current sources exists. Called by
// `npm install` (postinstall), `npm start` and the browser suite; a no-op when the build is cached.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildDir, dashboardBuildId, DASHBOARD_CACHE_DIR } from './build-id.js';

/** What `ensureDashboardBuilt` did. */
export interface DashboardBuild {
  id: string;
  dir: string;
  /** False when the build already existed. */
  built: boolean;
}

/**
 * Makes sure the bundle for the current sources exists, building it if not. Safe to run from several
 * processes at once: each builds into its own temporary folder and the first rename wins.
 * Throws Vite's error when the sources do not build.
 */
export async function ensureDashboardBuilt(): Promise<DashboardBuild> {
  const id = dashboardBuildId();
  const dir = buildDir(id);
  if (existsSync(join(dir, 'index.html'))) return { id, dir, built: false };
  mkdirSync(DASHBOARD_CACHE_DIR, { recursive: true });
  const temp = `${dir}.tmp-${process.pid}`;
  // Imported here, not at the top: the server imports this module's neighbours, and loading Vite
  // would cost every process that never builds.
  const { build } = await import('vite');
  const { viteSettings } = await import('./vite-settings.js');
  try {
    await build(viteSettings(temp));
    if (!existsSync(join(dir, 'index.html'))) renameSync(temp, dir);
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
  pruneOldBuilds(id);
  return { id, dir, built: true };
}

/** Removes builds of earlier sources, keeping the cache to the current one. */
function pruneOldBuilds(keep: string): void {
  for (const name of readdirSync(DASHBOARD_CACHE_DIR)) {
    if (name !== keep && !name.includes('.tmp-')) rmSync(join(DASHBOARD_CACHE_DIR, name), { recursive: true, force: true });
  }
}

// The dashboard build's identity: a hash of the client sources, the build settings and the lockfile.
// The server serves the build with this id and the builder skips work when it already exists, so a
// changed source (or an upgraded React or Vite) always gets a fresh bundle and nothing else rebuilds.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** Where the client sources live (`index.html`, `main.tsx`, ...). */
export const CLIENT_DIR = join(here, 'client');

/** The repository root (holds package-lock.json). */
const ROOT = join(here, '..', '..', '..');

/**
 * Where built bundles are kept: one folder per build id. Under node_modules/.cache because a build is
 * derived from installed packages, is never committed, and is ignored by the linters and tsc.
 */
export const DASHBOARD_CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'aftershock-dashboard');

/** Inputs besides the client folder that change what the bundle holds. */
const EXTRA_INPUTS = [join(here, 'vite-settings.ts'), join(ROOT, 'package-lock.json')];

/** A 16-hex-digit hash of every client file (path and content) and the extra inputs. */
export function dashboardBuildId(): string {
  const hash = createHash('sha256');
  for (const file of [...listFiles(CLIENT_DIR), ...EXTRA_INPUTS]) {
    hash.update(relative(ROOT, file)).update('\0').update(readFileSync(file)).update('\0');
  }
  return hash.digest('hex').slice(0, 16);
}

/** The folder a build with `id` is served from. */
export function buildDir(id: string): string {
  return join(DASHBOARD_CACHE_DIR, id);
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

// The dashboard build is cached by its sources' hash: built once, then found, never rebuilt for an
// unchanged tree, and served from the folder its id names.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { buildDir, dashboardBuildId } from '../../reference-server/src/web/build-id.js';
import { ensureDashboardBuilt } from '../../reference-server/src/web/build-dashboard.js';

it('builds the bundle for the current sources once, then reuses it', async () => {
  const first = await ensureDashboardBuilt();
  const again = await ensureDashboardBuilt();
  expect(again).toEqual({ id: first.id, dir: first.dir, built: false });
  expect(first.id).toBe(dashboardBuildId());
  expect(first.dir).toBe(buildDir(first.id));
  const html = readFileSync(join(first.dir, 'index.html'), 'utf8');
  const script = /src="\/dashboard\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
  expect(script).toBeDefined();
  expect(existsSync(join(first.dir, script!))).toBe(true);
}, 60_000);

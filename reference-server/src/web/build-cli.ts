// `npm run build:dashboard` (also run by postinstall): builds the dashboard bundle unless the current
// sources are already built. Exit 0 built or cached, 1 the build failed.
import { ensureDashboardBuilt } from './build-dashboard.js';

if (process.argv.includes('--help') || process.argv.includes('-h')) {
  console.log('usage: npm run build:dashboard\n\nBuilds the /dashboard bundle (Vite) into node_modules/.cache/aftershock-dashboard/<id>/ unless it is cached.\nExit codes: 0 built or already built, 1 the build failed.');
  process.exit(0);
}

try {
  const result = await ensureDashboardBuilt();
  console.log(result.built ? `dashboard built (${result.id})` : `dashboard up to date (${result.id})`);
} catch (err) {
  console.error(`dashboard build failed: ${err instanceof Error ? err.message : String(err)} (fix the error above, then run npm run build:dashboard)`);
  process.exit(1);
}

// Runs after `npm install`. In this repository: applies patches/ (patch-package) and builds the
// dashboard bundle if its sources changed (cached). Installed into another project as a dependency,
// neither the patches nor the development tools are there, so it does nothing. Plain JavaScript: it
// must run before (and without) tsx.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
if (!existsSync(`${root}patches`) || !existsSync(`${root}node_modules/patch-package`)) process.exit(0);
execSync('npx patch-package', { cwd: root, stdio: 'inherit' });
execSync('npm run build:dashboard', { cwd: root, stdio: 'inherit' });

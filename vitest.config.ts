// Test runner configuration: real sockets and dynalite make tests I/O bound, so files run in
// parallel forks and each test gets a generous but bounded timeout.
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The packaging proof builds, packs and installs (minutes): `npm run test:pack`, run by .ci/run.
    exclude: ['test/**/*.pack.test.ts', '**/node_modules/**'],
    pool: 'forks',
    // At least three forks, even on two cores (vitest's default there is one): the suites mostly wait on
    // sockets, leases and child processes. Measured on 2 cores: one fork 270–290 s, two 184–196 s (245 s
    // once the suite grew to 171 files), three 203 s on that same suite.
    maxWorkers: Math.max(3, availableParallelism() - 1),
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: process.env.CI ? ['default', 'junit'] : ['default'],
    outputFile: { junit: '.reports/junit.xml' },
    // The lockfile pins SDK releases that support Node 20; the forward-looking notice is noise here.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});

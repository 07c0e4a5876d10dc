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
    // Files in one fork share its loaded modules: every file importing the SDK, express and the server
    // anew was 140 s of the suite's collect time on 2 cores (5 min 20 s in all); shared, 24–28 s
    // (3 min 54 s; 4 min 19 s with both cores kept busy). Files still run one at a time in a fork, and
    // each restores what it fakes (timers, spies) when it ends.
    isolate: false,
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

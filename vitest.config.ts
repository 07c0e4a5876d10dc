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
    // A fork keeps its loaded modules from one file to the next. Isolated, every file started a new
    // process and loaded the AWS SDK, Express and the stack again: on 2 cores that was half the suite's
    // CPU (user time 12m10s, wall 7m04s; shared: 5m33s, 4m30s on three forks). No file relies on a
    // fresh module state: the stack is built per test, fake timers are restored, nothing sets globals.
    isolate: false,
    // Four forks, even on two cores: the suites mostly wait on sockets, leases and child processes
    // (shared forks, 2 cores: three 4m30s, four 4m06s). minWorkers = maxWorkers: with the pool allowed
    // to shrink to one fork (vitest's default minimum here), shared forks now and then lost a file that
    // never ran ("Terminating worker thread"; three runs of test/chaos in four), and none since.
    maxWorkers: Math.max(4, availableParallelism()),
    minWorkers: Math.max(4, availableParallelism()),
    // One temporary folder for the whole run (TMPDIR for the forks and what they spawn), removed at the end.
    globalSetup: ['test/support/temp-root.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: process.env.CI ? ['default', 'junit'] : ['default'],
    outputFile: { junit: '.reports/junit.xml' },
    // The lockfile pins SDK releases that support Node 20; the forward-looking notice is noise here.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});

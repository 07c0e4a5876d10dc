// Test runner configuration: real sockets and dynalite make tests I/O bound, so files run in
// parallel forks and each test gets a generous but bounded timeout.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: process.env.CI ? ['default', 'junit'] : ['default'],
    outputFile: { junit: '.reports/junit.xml' },
    // The lockfile pins SDK releases that support Node 20; the forward-looking notice is noise here.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});

// The packaging proof, kept out of `npm test` (it builds, packs and installs, minutes on two cores):
// `npm run test:pack`. CI runs it after the catalog.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/pack/**/*.pack.test.ts'],
    // The packed tarball and the user project it is installed into live under one temporary root, removed at the end.
    globalSetup: ['test/support/temp-root.ts'],
    testTimeout: 600_000,
    hookTimeout: 600_000,
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});

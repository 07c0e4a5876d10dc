// `npm run test:playground`: the playground's native rehearsal (DynamoDB Local, the proxy, the api and
// two workers as processes). It needs 20–70 s on a busy 2-core machine, more than `npm test` can spare,
// so it runs on its own, from CI (.ci/run) and by hand. Not merged with vitest.config.ts: merging
// would add to its `include` rather than replace it.
import { resolve } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: resolve(import.meta.dirname, '../..'),
  test: {
    include: ['test/playground/**/*.rehearsal.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: process.env.CI ? ['default', 'junit'] : ['default'],
    outputFile: { junit: '.reports/junit-playground.xml' },
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  },
});

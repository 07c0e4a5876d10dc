// Vite's settings for the dashboard bundle, passed programmatically (never a vite.config.ts file, so
// vitest, which also reads Vite config files, keeps its own root configuration untouched).
import type { InlineConfig } from 'vite';
import { CLIENT_DIR } from './build-id.js';

/**
 * The production build: served under `/dashboard/`, everything bundled (no CDN), hashed file names.
 * JSX is compiled by Vite's own esbuild step: the React plugin adds fast refresh for a dev server,
 * which a bundle built once and served by Express does not use.
 */
export function viteSettings(outDir: string): InlineConfig {
  return {
    configFile: false,
    root: CLIENT_DIR,
    base: '/dashboard/',
    logLevel: 'warn',
    esbuild: { jsx: 'automatic' },
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      reportCompressedSize: false,
      chunkSizeWarningLimit: 1024,
    },
  };
}

// uPlot's script and stylesheet, read from the installed package so report.html carries them inline
// and opens from disk with no network. Read once per process.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let cached: { js: string; css: string } | undefined;

/** uPlot's minified IIFE build (defines `window.uPlot`) and its CSS. Throws if uplot is not installed. */
export function uplotAssets(): { js: string; css: string } {
  cached ??= {
    js: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
    css: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
  };
  return cached;
}

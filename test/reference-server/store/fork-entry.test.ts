// Child processes run the sources through tsx's loader found from the code, not from the working
// directory: the CLI started from a folder without node_modules still starts its embedded store.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { forkEntry } from '../../../reference-server/src/store/fork-entry.js';

it('forks a TypeScript source with tsx\'s loader as an absolute file URL, and built JavaScript with no loader', () => {
  const source = forkEntry('./workers/main', new URL('../../../reference-server/src/child-stack.ts', import.meta.url).href);
  expect(source.path.endsWith('/reference-server/src/workers/main.ts')).toBe(true);
  expect(existsSync(source.path)).toBe(true);
  expect(source.execArgv).toHaveLength(2);
  expect(source.execArgv[0]).toBe('--import');
  expect(source.execArgv[1]).toMatch(/^file:\/\/\/.*\/tsx\/.*\.mjs$/);
  expect(existsSync(fileURLToPath(source.execArgv[1]!))).toBe(true);
  const built = forkEntry('./workers/main', 'file:///srv/app/dist/reference-server/src/child-stack.js');
  expect(built).toEqual({ path: '/srv/app/dist/reference-server/src/workers/main.js', execArgv: [] });
});

it('forks a JavaScript entry (the store\'s) with plain Node, from the sources as from a build', () => {
  const source = forkEntry('./dynalite-process.mjs', new URL('../../../reference-server/src/store/embedded-dynalite.ts', import.meta.url).href);
  expect(source.execArgv).toEqual([]);
  expect(source.path.endsWith('/reference-server/src/store/dynalite-process.mjs')).toBe(true);
  expect(existsSync(source.path)).toBe(true);
  const built = forkEntry('./dynalite-process.mjs', 'file:///srv/app/dist/reference-server/src/store/embedded-dynalite.js');
  expect(built).toEqual({ path: '/srv/app/dist/reference-server/src/store/dynalite-process.mjs', execArgv: [] });
});

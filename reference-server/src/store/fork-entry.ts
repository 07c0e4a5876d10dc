// Which file a child process runs (the store's here, the server's and workers' in child-stack.ts), and
// how: the `.ts` source through tsx when this code runs from the sources (a clone, tests), the sibling
// `.js` with plain Node when it runs built (dist/, an installed package, where tsx may not exist). An
// entry written in JavaScript (`.mjs`) runs with plain Node from either.
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** A module to fork and the Node flags it needs. */
export interface ForkEntry {
  /** Absolute path of the entry file. */
  path: string;
  /** `--import <tsx>` for TypeScript sources; none for built JavaScript. */
  execArgv: string[];
}

/**
 * Resolves `relative` against `from` (the caller's `import.meta.url`). Written without an extension
 * (e.g. `./workers/main`), it takes the caller's own: a `.js` caller was compiled, so its siblings
 * were too. Written with `.mjs`, it is JavaScript in both forms and needs no loader.
 * @example const { path, execArgv } = forkEntry('./main', import.meta.url); fork(path, [], { execArgv });
 */
export function forkEntry(relative: string, from: string): ForkEntry {
  if (relative.endsWith('.mjs')) return { path: fileURLToPath(new URL(relative, from)), execArgv: [] };
  const compiled = new URL(from).pathname.endsWith('.js');
  return {
    path: fileURLToPath(new URL(`${relative}${compiled ? '.js' : '.ts'}`, from)),
    execArgv: compiled ? [] : ['--import', tsxLoader()],
  };
}

/**
 * tsx's loader as a file URL, found from this module rather than from the working directory: a bare
 * `--import tsx` is resolved from wherever the CLI was started, where there may be no node_modules.
 */
function tsxLoader(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
}

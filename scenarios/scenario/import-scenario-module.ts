// A scenario written as a module: TypeScript through tsx's scoped loader (so the built CLI, run by
// plain node, loads `.ts` without `--import tsx`), JavaScript through Node itself; any failure to
// load becomes one `invalid_scenario` line naming the file.
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ScenarioError } from './scenario-error.js';

const TYPESCRIPT = new Set(['.ts', '.mts']);

/** One line of at most ~300 characters: esbuild's and Node's messages run over several. */
function oneLine(err: unknown): string {
  const text = (err instanceof Error ? err.message : String(err)).split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
  return text.length > 300 ? `${text.slice(0, 297)}...` : text;
}

/** An error the module raised itself from `defineScenario` (maybe from another copy of this package). */
function isInvalidScenario(err: unknown): err is Error {
  return err instanceof ScenarioError || (err instanceof Error && (err as { code?: unknown }).code === 'invalid_scenario');
}

/**
 * A TypeScript file in a CommonJS package comes back from tsx as `{ default: { __esModule, default } }`:
 * its own default export sits one level down.
 */
function defaultExport(module: { default?: unknown }): unknown {
  const value = module.default;
  if (typeof value === 'object' && value !== null && (value as { __esModule?: unknown }).__esModule === true && 'default' in value) return (value as { default: unknown }).default;
  return value;
}

/**
 * Imports `file` (.ts, .mts, .js, .mjs) and returns its default export, unvalidated. tsx is loaded
 * only when a TypeScript file is. Throws `ScenarioError` `invalid_scenario` whose one-line message
 * starts with the file: the module does not compile, throws, imports what is missing, or has no
 * default export.
 * @example const input = await importScenarioModule('scenarios/outage.ts');
 */
export async function importScenarioModule(file: string): Promise<unknown> {
  const url = pathToFileURL(resolve(file)).href;
  let module: { default?: unknown };
  try {
    if (TYPESCRIPT.has(extname(file))) {
      const { tsImport } = await import('tsx/esm/api');
      module = (await tsImport(url, import.meta.url)) as { default?: unknown };
    } else {
      module = (await import(url)) as { default?: unknown };
    }
  } catch (err) {
    const message = isInvalidScenario(err) ? oneLine(err) : `cannot load this module: ${oneLine(err)}`;
    throw new ScenarioError('invalid_scenario', `${file}: ${message}`, { file, cause: err });
  }
  const value = defaultExport(module);
  if (value === undefined) throw new ScenarioError('invalid_scenario', `${file}: no default export (export default defineScenario({...}))`, { file });
  return value;
}

// Reads scenario files from disk: YAML, JSON, or a TypeScript/JavaScript module whose default export
// is a scenario; a directory expands to its scenario files in name order.
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import YAML from 'yaml';
import { importScenarioModule } from './import-scenario-module.js';
import { parseScenario } from './parse-scenario.js';
import { ScenarioError } from './scenario-error.js';
import type { Scenario } from './scenario-schema.js';

const EXTENSIONS = new Set(['.yaml', '.yml', '.json', '.ts', '.mts', '.js', '.mjs']);

/** A scenario and where it came from. */
export interface LoadedScenario {
  file: string;
  scenario: Scenario;
}

async function parseFile(file: string): Promise<unknown> {
  const ext = extname(file);
  if (ext === '.ts' || ext === '.mts' || ext === '.js' || ext === '.mjs') return importScenarioModule(file);
  const text = await readFile(file, 'utf8');
  try {
    return ext === '.json' ? JSON.parse(text) : YAML.parse(text, { prettyErrors: true });
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    throw new ScenarioError('invalid_scenario', `${file}: not valid ${ext === '.json' ? 'JSON' : 'YAML'}: ${reason}`, { file, cause: err });
  }
}

/**
 * Loads one file. Throws `ScenarioError` `invalid_scenario` naming the file (and the field path when
 * the content is wrong), or `invalid_options` when the file does not exist.
 */
export async function loadScenarioFile(file: string): Promise<LoadedScenario> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) throw new ScenarioError('invalid_options', `${file}: no such scenario file`, { file });
  return { file, scenario: parseScenario(await parseFile(file), file) };
}

/** Loads every file and directory given, directories expanded to their scenario files in name order. */
export async function loadScenarios(paths: readonly string[]): Promise<LoadedScenario[]> {
  const loaded: LoadedScenario[] = [];
  for (const file of await scenarioFiles(paths)) loaded.push(await loadScenarioFile(file));
  return loaded;
}

/**
 * The files `paths` name, directories expanded to their scenario files in name order. Throws
 * `invalid_options` for a directory holding none.
 */
export async function scenarioFiles(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (info?.isDirectory()) {
      const names = (await readdir(path)).filter((n) => EXTENSIONS.has(extname(n)) && !n.endsWith('.d.ts')).sort();
      if (names.length === 0) throw new ScenarioError('invalid_options', `${path}: no scenario files (.yaml, .json, .ts) in this directory`);
      files.push(...names.map((n) => join(path, n)));
    } else {
      files.push(path);
    }
  }
  return files;
}

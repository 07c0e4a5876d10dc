// Writes report.html into a run's directory: right after a run (from the journal and history in
// memory), or later from the files a run left (`aftershock report <run-dir>`).
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HistoryRecord } from '../history/history.js';
import { loadHistory } from '../history/jsonl.js';
import type { Journal } from '../runner/journal.js';
import { renderReport } from './render-report.js';

/** The report's file name inside a run directory. */
export const REPORT_FILE = 'report.html';

/** A run read back from its directory. */
export interface LoadedRun {
  dir: string;
  journal: Journal;
  history: HistoryRecord[];
}

/**
 * Reads `journal.json` and `history.jsonl` from a run directory. Throws an Error whose message says
 * which file is missing or broken (a history line that does not parse names its line).
 */
export async function loadRun(dir: string): Promise<LoadedRun> {
  let journal: Journal;
  try {
    journal = JSON.parse(await readFile(join(dir, 'journal.json'), 'utf8')) as Journal;
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'has no journal.json' : `has a journal.json that is not JSON (${(err as Error).message})`;
    throw new Error(`${dir} ${reason}; name a run directory that aftershock run wrote`, { cause: err });
  }
  if (typeof journal !== 'object' || journal === null || !Array.isArray(journal.activities) || !journal.phases) {
    throw new Error(`${join(dir, 'journal.json')} is not an aftershock journal (no phases or activities)`);
  }
  let history: HistoryRecord[];
  try {
    history = await loadHistory(join(dir, 'history.jsonl'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    history = [];
  }
  return { dir, journal, history };
}

/** Renders and writes `<dir>/report.html`; resolves to its path. */
export async function writeReport(dir: string, journal: Journal, history: readonly HistoryRecord[]): Promise<string> {
  const path = join(dir, REPORT_FILE);
  await writeFile(path, renderReport(journal, history));
  return path;
}

// The runner's output folder (`.aftershock/runs/<run>/journal.json` + `report.html`), read-only.
// Only plain folder names are accepted and every path is checked to stay inside the folder after
// symlinks are resolved, so no request can read anything else on the disk.
import { existsSync, realpathSync, statSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { runningRun, summarizeJournal, unreadableRun, type RunSummary } from './journal-summary.js';

/** A run folder name: no separators, no leading dot (so never `.` or `..`). */
const RUN_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,199}$/;

/** Journals past this size are not parsed for the list (a summary never needs more). */
const MAX_JOURNAL_BYTES = 16 * 1024 * 1024;

/**
 * A run without journal.json whose history.jsonl was written this recently is still going (the runner
 * streams its history as it goes and writes the journal at the end); an older one stopped unfinished.
 */
export const RUNNING_WITHIN_MS = 120_000;

/** The runs under `runsDir`, newest first (folder names start with the run's time); [] when absent. */
export async function listRuns(runsDir: string, limit = 200, now = Date.now()): Promise<RunSummary[]> {
  if (!existsSync(runsDir)) return [];
  const names = (await readdir(runsDir, { withFileTypes: true }))
    .filter((d) => d.isDirectory() && RUN_NAME.test(d.name))
    .map((d) => d.name)
    .sort()
    .reverse()
    .slice(0, limit);
  return Promise.all(names.map((name) => readRun(runsDir, name, now)));
}

/** The absolute path of `file` in run `name`, or undefined when the name or path is not allowed. */
export function runFile(runsDir: string, name: string, file: 'journal.json' | 'report.html' | 'history.jsonl'): string | undefined {
  if (!RUN_NAME.test(name) || !existsSync(runsDir)) return undefined;
  const path = join(runsDir, name, file);
  if (!existsSync(path)) return undefined;
  const root = realpathSync(runsDir);
  const real = realpathSync(path);
  if (!real.startsWith(root + sep) || !statSync(real).isFile()) return undefined;
  return real;
}

async function readRun(runsDir: string, name: string, now: number): Promise<RunSummary> {
  const hasReport = runFile(runsDir, name, 'report.html') !== undefined;
  const journal = runFile(runsDir, name, 'journal.json');
  if (!journal) {
    const history = runFile(runsDir, name, 'history.jsonl');
    if (!history) return unreadableRun(name, hasReport, 'journal.json is missing');
    if (now - statSync(history).mtimeMs < RUNNING_WITHIN_MS) return runningRun(name);
    return unreadableRun(name, hasReport, 'did not finish: stopped before writing journal.json');
  }
  if (statSync(journal).size > MAX_JOURNAL_BYTES) return unreadableRun(name, hasReport, 'journal.json is too large to list');
  try {
    return summarizeJournal(name, JSON.parse(await readFile(journal, 'utf8')), hasReport);
  } catch {
    return unreadableRun(name, hasReport, 'journal.json is not valid JSON');
  }
}

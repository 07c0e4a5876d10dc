// Writes a run's outputs into its directory: journal.json, history.jsonl (one record a line),
// junit.xml (one testcase per gate and per checker) and report.html, and names the default directory.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { HistoryRecord } from '../history/history.js';
import { openHistoryWriter } from '../history/jsonl.js';
import { writeJunitXml } from '../junit/junit-report.js';
import { REPORT_FILE, writeReport } from '../report/write-report.js';
import { deviationCauses } from './deviation.js';
import type { Journal } from './journal.js';

/**
 * Makes a run's default directory, or `<dir>-2`, `<dir>-3`… when another run made it first (the same
 * scenario started twice in one second: two terminals, a test suite's parallel files). Each mkdir is
 * atomic, so two runs never share a directory and its streamed history.
 */
export async function claimRunDir(dir: string): Promise<string> {
  await mkdir(dirname(dir), { recursive: true });
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? dir : `${dir}-${n}`;
    try {
      await mkdir(candidate);
      return candidate;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || n >= 1_000) throw err;
    }
  }
}

/** `<time>-<slug>`: sortable and readable; claimRunDir keeps two runs of one second apart. */
export function runDirName(title: string, startedAt: Date): string {
  const stamp = startedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'scenario';
  return `${stamp}-${slug}`;
}

/** The paths a run writes, under `dir`. */
export function outputPaths(dir: string): Journal['outputs'] {
  return { dir, journal: join(dir, 'journal.json'), history: join(dir, 'history.jsonl'), junit: join(dir, 'junit.xml'), report: join(dir, REPORT_FILE) };
}

/**
 * Writes all four files (creating the directory); report.html last, from the other three's data.
 * `historyWritten`: history.jsonl was streamed during the run and is complete, so it is left as it is.
 */
export async function writeOutputs(journal: Journal, history: readonly HistoryRecord[], options: { historyWritten?: boolean } = {}): Promise<void> {
  const { dir, journal: journalPath, history: historyPath, junit } = journal.outputs;
  await mkdir(dir, { recursive: true });
  await writeFile(journalPath, `${JSON.stringify(journal, null, 2)}\n`);
  if (!options.historyWritten) {
    const writer = openHistoryWriter(historyPath);
    for (const record of history) writer.append(record);
    await writer.close();
  }
  const stopped = journal.status === 'interrupted' || journal.status === 'aborted';
  await writeJunitXml(junit, [
    {
      name: journal.title,
      ...(journal.file ? { file: journal.file } : {}),
      duration_ms: journal.duration_ms,
      // With the suite's time (duration_ms, set-up included), from when set-up began.
      timestamp: new Date(Date.parse(journal.started_at) - (journal.setup_ms ?? 0)),
      properties: { seed: journal.seed, status: journal.status, replay: journal.replay },
      deviated: journal.deviated,
      deviation: deviationCauses(journal),
      gates: journal.gates,
      checkers: journal.checkers,
      ...(stopped ? { error: `the run was ${journal.status}${journal.errors.length > 0 ? `: ${journal.errors.join('; ')}` : ''}` } : {}),
    },
  ]);
  await writeReport(dir, journal, history);
}

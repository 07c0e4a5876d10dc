// Writes a run's outputs into its directory: journal.json, history.jsonl (one record a line) and
// junit.xml (one testcase per gate and per checker), and names the default directory.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { HistoryRecord } from '../history/history.js';
import type { Journal } from './journal.js';
import { junitXml } from './junit-report.js';

/** `<time>-<slug>`: sortable, readable, unique enough for one machine. */
export function runDirName(title: string, startedAt: Date): string {
  const stamp = startedAt.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const slug = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'scenario';
  return `${stamp}-${slug}`;
}

/** The paths a run writes, under `dir`. */
export function outputPaths(dir: string): Journal['outputs'] {
  return { dir, journal: join(dir, 'journal.json'), history: join(dir, 'history.jsonl'), junit: join(dir, 'junit.xml') };
}

/** Writes all three files (creating the directory). */
export async function writeOutputs(journal: Journal, history: readonly HistoryRecord[]): Promise<void> {
  const { dir, journal: journalPath, history: historyPath, junit } = journal.outputs;
  await mkdir(dir, { recursive: true });
  await writeFile(journalPath, `${JSON.stringify(journal, null, 2)}\n`);
  await writeFile(historyPath, history.map((r) => JSON.stringify(r)).join('\n') + (history.length > 0 ? '\n' : ''));
  await writeFile(junit, junitXml(journal));
}

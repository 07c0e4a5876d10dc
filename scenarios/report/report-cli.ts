// `aftershock report`: (re)writes a run's report.html from the journal and history it left, or puts
// two runs side by side with --compare. Exit codes: 0 written, 2 bad options or not a run directory.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parseCommand } from '../cli/option-problem.js';
import { renderComparison } from './compare-report.js';
import { renderReport } from './render-report.js';
import { loadRun, REPORT_FILE, writeReport } from './write-report.js';

export const REPORT_USAGE = `usage: aftershock report <run-dir> [--out FILE]
       aftershock report --compare <run-dir A> <run-dir B> [--out FILE]

Writes the HTML report of a run from the journal.json and history.jsonl in its directory
(default: <run-dir>/${REPORT_FILE}), or with --compare a page with both runs side by side
(default: ./compare.html). The file is self-contained: open it from disk, no network needed.

options:
  --compare      compare two run directories (same scenario, e.g. before and after a change)
  --out FILE     where to write the page
  -h, --help     this help

exit codes: 0 written · 2 bad options, or a directory that is not a run`;

/** Writes a page to `path`, making its directory as `aftershock run --out` does; says which path failed. */
async function writePage(path: string, html: string): Promise<void> {
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, html);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? '';
    throw new Error(`cannot write ${path}: ${WRITE_FAILURES[code] ?? (err as Error).message}`, { cause: err });
  }
}

const WRITE_FAILURES: Record<string, string> = {
  EEXIST: 'a part of the path is a file, not a directory',
  ENOTDIR: 'a part of the path is a file, not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOENT: 'no such directory, and it cannot be made here',
};

/** Runs the command; resolves to the exit code. Never throws. */
export async function reportCli(args: string[], io: { out: NodeJS.WritableStream; err: NodeJS.WritableStream } = { out: process.stdout, err: process.stderr }): Promise<number> {
  const parsed = parseCommand('report', REPORT_USAGE, args, { compare: { type: 'boolean' }, out: { type: 'string' } }, io);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  const wanted = values.compare ? 2 : 1;
  if (positionals.length !== wanted) {
    io.err.write(`aftershock report: ${values.compare ? '--compare needs exactly two run directories' : 'name exactly one run directory'} (see aftershock report --help)\n`);
    return 2;
  }
  try {
    const runs = await Promise.all(positionals.map((dir) => loadRun(resolve(dir))));
    let path: string;
    if (values.compare) {
      path = resolve(values.out ?? 'compare.html');
      await writePage(path, renderComparison(runs[0]!, runs[1]!));
    } else if (values.out !== undefined) {
      path = resolve(values.out);
      await writePage(path, renderReport(runs[0]!.journal, runs[0]!.history));
    } else {
      path = await writeReport(runs[0]!.dir, runs[0]!.journal, runs[0]!.history);
    }
    io.out.write(`report: ${path}\n`);
    return 0;
  } catch (err) {
    io.err.write(`aftershock report: ${(err as Error).message}\n`);
    return 2;
  }
}


// Writes one benchmark's results into docs/BENCHMARKS.md as a named section, replacing the
// previous run's section and leaving the others alone, so each suite can be re-run on its own.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import os from 'node:os';

const file = resolve(import.meta.dirname, '../docs/BENCHMARKS.md');
const header = `# Benchmarks

Every number here is produced by \`npm run bench\` (or \`npm run bench -- <suite>\` for one suite) on the
machine named in each section. The machine is shared and noisy, so each suite reports ratios against a
baseline measured in the same run; absolute numbers are for orientation only.
`;

/** A suite's results: a title, a markdown body (tables) and the command that reproduces it. */
export interface BenchSection {
  name: string;
  title: string;
  body: string;
}

/** Replaces (or appends) the section for `section.name` in docs/BENCHMARKS.md. */
export function recordSection(section: BenchSection, command = `npm run bench -- ${section.name}`): void {
  const current = existsSync(file) ? readFileSync(file, 'utf8') : header;
  const begin = `<!-- bench:${section.name}:begin -->`;
  const end = `<!-- bench:${section.name}:end -->`;
  const machine = `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const block = [
    begin,
    `## ${section.title}`,
    '',
    `Command: \`${command}\` — run ${new Date().toISOString().slice(0, 10)} on ${machine}.`,
    '',
    section.body.trim(),
    end,
  ].join('\n');
  const start = current.indexOf(begin);
  const stop = current.indexOf(end);
  const next =
    start >= 0 && stop > start
      ? current.slice(0, start) + block + current.slice(stop + end.length)
      : `${current.trimEnd()}\n\n${block}\n`;
  writeFileSync(file, next);
}

/** Formats rows as a markdown table. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

// Records one benchmark's results: into bench/results.json (every figure, each goal with its measured
// value and verdict) and into a generated block of docs/BENCHMARKS.md. Only numbers and verdicts live
// inside a block; the prose that explains a suite's method sits after it and is never rewritten.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import os from 'node:os';

const docFile = resolve(import.meta.dirname, '../docs/BENCHMARKS.md');
/** Where every run's results go, one entry per suite, replaced by that suite's next run. */
export const RESULTS_FILE = resolve(import.meta.dirname, 'results.json');
const header = `# Benchmarks

Every number here is produced by \`npm run bench\` (or \`npm run bench -- <suite>\` for one suite) on the
machine named in each section. The machine is shared and noisy, so each suite reports ratios against a
baseline measured in the same run; absolute numbers are for orientation only. Text between
\`bench:…:begin\` and \`bench:…:end\` markers is generated (figures, and each declared goal with its verdict);
the prose after a block explains the suite's method and is maintained by hand. \`bench/results.json\` holds the
same figures; \`npm run bench -- --check\` exits 1 when a suite misses a goal it declares.
`;

/** A goal a suite declares: a measured value, a comparison and a target. */
export interface Goal {
  /** What is measured, e.g. "ratio ingest / raw PutItem". */
  name: string;
  value: number;
  op: '>=' | '<=';
  target: number;
  /** Unit shown after the numbers (e.g. "ms", "µs", "%"). */
  unit?: string;
  /** Lowest and highest of the rounds `value` is the median of, shown beside it. */
  range?: [number, number];
}

/** A suite's results: a title, markdown tables, its goals, and the prose that explains its method. */
export interface BenchSection {
  name: string;
  title: string;
  /** Tables only: numbers that are rewritten by every run. */
  body: string;
  goals?: Goal[];
  /** How the suite measures; written once after the generated block when the section is new, then left to the docs. */
  method?: string;
}

/** Whether the measured value meets the goal. */
export const met = (g: Goal): boolean => (g.op === '>=' ? g.value >= g.target : g.value <= g.target);

/** Replaces (or appends) the section for `section.name` in docs/BENCHMARKS.md and bench/results.json. */
export function recordSection(section: BenchSection, command = `npm run bench -- ${section.name}`): void {
  const machine = `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  const runAt = new Date().toISOString();
  writeResults(section, { command, machine, run_at: runAt });
  const current = existsSync(docFile) ? readFileSync(docFile, 'utf8') : header;
  const begin = `<!-- bench:${section.name}:begin -->`;
  const end = `<!-- bench:${section.name}:end -->`;
  const goals = section.goals ?? [];
  const block = [
    begin,
    `## ${section.title}`,
    '',
    `Command: \`${command}\` — run ${runAt.slice(0, 10)} on ${machine}.`,
    '',
    section.body.trim(),
    ...(goals.length > 0 ? ['', table(['goal', 'measured', 'target', 'verdict'], goals.map((g) => [g.name, measured(g), `${g.op === '>=' ? '≥' : '≤'} ${fmt(g.target, g.unit)}`, met(g) ? 'met' : '**missed**']))] : []),
    end,
  ].join('\n');
  const start = current.indexOf(begin);
  const stop = current.indexOf(end);
  const next =
    start >= 0 && stop > start
      ? current.slice(0, start) + block + current.slice(stop + end.length)
      : `${current.trimEnd()}\n\n${block}\n${section.method ? `\n${section.method.trim()}\n` : ''}`;
  writeFileSync(docFile, next);
}

function writeResults(section: BenchSection, run: { command: string; machine: string; run_at: string }): void {
  let all: Record<string, unknown> = {};
  try {
    all = JSON.parse(readFileSync(RESULTS_FILE, 'utf8')) as Record<string, unknown>;
  } catch {
    // First run, or a file someone broke: start again.
  }
  const goals = (section.goals ?? []).map((g) => ({ ...g, met: met(g) }));
  all[section.name] = { title: section.title, ...run, goals, body: section.body.trim() };
  writeFileSync(RESULTS_FILE, `${JSON.stringify(all, null, 2)}\n`);
}

/** The measured value, with the range of the rounds behind it when there were several. */
export function measured(g: Goal): string {
  return g.range ? `${fmt(g.value, g.unit)} (rounds ${fmt(g.range[0])}–${fmt(g.range[1], g.unit)})` : fmt(g.value, g.unit);
}

function fmt(value: number, unit?: string): string {
  const text = Math.abs(value) >= 100 ? value.toFixed(0) : Math.abs(value) >= 10 ? value.toFixed(1) : value.toFixed(2);
  return unit ? `${text} ${unit}` : text;
}

/** Formats rows as a markdown table. */
export function table(headers: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) => `| ${cells.join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

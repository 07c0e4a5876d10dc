// `aftershock explore`: generated fault schedules against fresh in-process stacks, judged by the
// history checkers; a failure is shrunk and written as a scenario file. Exit codes: 0 nothing failed,
// 1 a failing schedule was found (and written), 2 bad options, 3 a schedule could not be run at all;
// an interrupt (Ctrl-C) ends it with 130, after the first line has printed the seed and its replay.
import { parseArgs } from 'node:util';
import { optionProblem } from '../cli/option-problem.js';
import { exampleLine } from '../checkers/checker.js';
import { formatDuration, parseDuration } from '../gates/duration.js';
import { cliCommand, quote } from '../runner/replay-command.js';
import { explore, type ExploreResult } from './explore.js';
import { writeFoundScenario } from './found-scenario.js';
import { FAULT_FAMILIES, faultName, type FaultFamily } from './vocabulary.js';

export const EXPLORE_USAGE = `usage: aftershock explore [options]

Generates fault schedules (chaos rules at DynamoDB and worker steps, worker crashes at every named
step, receiver outages and slowness) with fast-check, runs each (600 ms of load; about 1-1.5 s with
set-up and settling) against a fresh in-process Triggers API, and judges it with the history
checkers. A failing schedule is shrunk to a minimal one and written as a scenario file that
aftershock run replays, with the settings the stack ran with.

options:
  --runs N          schedules to try (default 50)
  --time DURATION   time budget for exploring and shrinking, e.g. 90s, 5m (default 5m)
  --seed N          draw the same schedules again (default: drawn and printed)
  --max-faults N    faults per schedule, 1-5 (default 3)
  --faults LIST     draw only from these families: worker,dynamodb,receiver (default all)
  --out DIR         where a failing schedule's scenario goes (default .aftershock/explore)
  --no-progress     no line per schedule
  -h, --help        this help

The first line prints the seed (drawn or given) and the command that replays the exploration.

exit codes: 0 every schedule held · 1 a failing schedule was found and written · 2 bad options
            3 a schedule could not be run (the embedded stack did not start)
            130 interrupted (Ctrl-C): replay with the command on the first line`;

/** The options that decide which schedules are drawn and how many; a replay repeats them as given. */
const REPLAYED = ['runs', 'time', 'max-faults', 'faults'] as const;

/**
 * The command that explores the same schedules again: this CLI as it runs now, the seed, and the
 * drawing options the user gave (not --out or --no-progress), each a shell word.
 * @example exploreReplayCommand(7, { runs: '20' }) // 'npx aftershock explore --seed 7 --runs 20'
 */
export function exploreReplayCommand(seed: number, values: Partial<Record<(typeof REPLAYED)[number], string>>, cli = cliCommand()): string {
  const args = REPLAYED.flatMap((name) => (values[name] === undefined ? [] : [`--${name}`, quote(values[name])]));
  return [`${cli} explore --seed ${seed}`, ...args].join(' ');
}

function fail(io: { err: NodeJS.WritableStream }, message: string): number {
  io.err.write(`aftershock explore: ${message} (see aftershock explore --help)\n`);
  return 2;
}

/**
 * The summary printed at the end: budget used, rate, what was explored, and the failure if any with
 * the command that runs its scenario; when nothing failed, `replay` (the exploration's own command).
 */
export function exploreSummary(result: ExploreResult, scenarioPath?: string, replay?: string): string[] {
  const perMinute = result.ms > 0 ? ((result.explored + result.shrinkRuns) * 60_000) / result.ms : 0;
  const lines = [
    `${result.failure ? 'FOUND' : 'HELD'}  ${result.explored} schedules explored${result.shrinkRuns > 0 ? `, ${result.shrinkRuns} shrink runs` : ''} in ${formatDuration(Math.round(result.ms))} (${perMinute.toFixed(0)} schedules/minute)${result.interrupted ? ', stopped by the time budget' : ''}`,
    `  seed ${result.seed}`,
    '  faults explored:',
    ...Object.entries(result.faults).sort(([, a], [, b]) => b - a).map(([name, n]) => `    ${String(n).padStart(4)} × ${name}`),
  ];
  if (result.failure) {
    const { schedule, failed } = result.failure;
    lines.push(`  minimal schedule: ${schedule.faults.length} fault(s) at ${schedule.rate} req/s`);
    for (const f of schedule.faults) lines.push(`    at +${f.at}ms for ${f.for}ms: ${faultName(f.fault)}`);
    for (const c of failed) lines.push(`  FAIL ${c.name}: ${Object.entries(c.counts).map(([k, v]) => `${k}=${v}`).join(' ')}${c.examples[0] ? `; e.g. ${exampleLine(c.examples[0])}` : ''}`);
    if (scenarioPath) lines.push(`  scenario: ${scenarioPath}`, `  replay:   ${cliCommand()} run ${quote(scenarioPath)}`);
  } else if (replay) {
    lines.push(`  replay:   ${replay}`);
  }
  return lines;
}

/** Runs the command; resolves to the exit code. Never throws. */
export async function exploreCli(args: string[], io: { out: NodeJS.WritableStream; err: NodeJS.WritableStream } = { out: process.stdout, err: process.stderr }): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args, options: { runs: { type: 'string' }, time: { type: 'string' }, seed: { type: 'string' }, 'max-faults': { type: 'string' }, faults: { type: 'string' }, out: { type: 'string' }, 'no-progress': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } }));
  } catch (err) {
    return fail(io, optionProblem(err, false));
  }
  if (values.help) {
    io.out.write(`${EXPLORE_USAGE}\n`);
    return 0;
  }
  const int = (text: string | undefined, fallback: number, min: number, max: number) => (text === undefined ? fallback : /^\d+$/.test(text) && Number(text) >= min && Number(text) <= max ? Number(text) : NaN);
  const runs = int(values.runs, 50, 1, 1_000_000);
  const seed = values.seed === undefined ? undefined : int(values.seed, 0, 0, 2 ** 31 - 1);
  const maxFaults = int(values['max-faults'], 3, 1, 5);
  const time = values.time === undefined ? { ok: true as const, value: 300_000 } : parseDuration(values.time);
  if (Number.isNaN(runs)) return fail(io, '--runs must be a whole number of at least 1');
  if (seed !== undefined && Number.isNaN(seed)) return fail(io, `--seed must be an integer from 0 to ${2 ** 31 - 1}`);
  if (Number.isNaN(maxFaults)) return fail(io, '--max-faults must be from 1 to 5');
  if (!time.ok) return fail(io, `--time: ${time.error}`);
  const families = (values.faults ?? FAULT_FAMILIES.join(',')).split(',').map((f) => f.trim());
  const unknown = families.filter((f) => !(FAULT_FAMILIES as readonly string[]).includes(f));
  if (unknown.length > 0 || families.length === 0) return fail(io, `--faults: unknown family ${unknown.join(', ')}; use ${FAULT_FAMILIES.join(', ')}`);
  const progress = !values['no-progress'];
  // Drawn here, not inside explore(), so the first line carries it: an interrupted run keeps its seed.
  const chosen = seed ?? Math.floor(Math.random() * 2 ** 31);
  const replay = exploreReplayCommand(chosen, values);
  io.out.write(`exploring: seed ${chosen}, up to ${runs} schedules or ${formatDuration(time.value)} · replay: ${replay}\n`);
  let result: ExploreResult;
  try {
    result = await explore({
    runs,
    timeMs: time.value,
    maxFaults,
    families: families as FaultFamily[],
    seed: chosen,
    onRun: ({ phase, index, schedule, outcome }) => {
      if (!progress) return;
      const verdict = outcome.valid ? 'ok  ' : `FAIL ${outcome.failed.map((c) => c.name).join(', ')}`;
      io.out.write(`  ${phase === 'explore' ? '#' : 'shrink '}${index} ${verdict} · ${schedule.faults.length} fault(s) at ${schedule.rate}/s · ${Math.round(outcome.ms)}ms · ${schedule.faults.map((f) => faultName(f.fault)).join(' + ')}\n`);
    },
    });
  } catch (err) {
    io.err.write(`aftershock explore: ${(err as Error).message}\n`);
    return 3;
  }
  const path = result.failure ? await writeFoundScenario(values.out ?? '.aftershock/explore', result.seed, result.failure) : undefined;
  io.out.write(`${exploreSummary(result, path, replay).join('\n')}\n`);
  return result.failure ? 1 : 0;
}

// `aftershock explore`: generated fault schedules against fresh in-process stacks, or against the
// user's own service a scenario file describes, judged by the history checkers; a failure is shrunk
// and written as a scenario file. Exit codes: 0 nothing failed, 1 a failing schedule was found (and
// written), 2 bad options, 3 a schedule could not be run at all; an interrupt (Ctrl-C) ends it with
// 130, after the first line has printed the seed and its replay.
import { parseArgs } from 'node:util';
import { optionProblem } from '../cli/option-problem.js';
import { exampleLine } from '../checkers/checker.js';
import { formatDuration, parseDuration } from '../gates/duration.js';
import { preflightError } from '../runner/preflight.js';
import { cliCommand, quote } from '../runner/replay-command.js';
import { loadScenarioFile } from '../scenario/load-scenario.js';
import { explore, type ExploreResult } from './explore.js';
import { startExploreTarget, type ExploreTarget, type ServiceScenario } from './explore-target.js';
import { writeFoundScenario } from './found-scenario.js';
import { DEFAULT_SHAPE, type ScheduleShape } from './schedule.js';
import { targetFamilies, type FamilyChoice } from './target-families.js';
import { EMBEDDED_FAMILIES, FAULT_FAMILIES, faultName, type FaultFamily } from './vocabulary.js';

export const EXPLORE_USAGE = `usage: aftershock explore [options]

Generates fault schedules (chaos rules at DynamoDB and worker steps, worker crashes at every named
step, receiver outages and slowness) with fast-check, runs each (600 ms of load; about 1-1.5 s with
set-up and settling) against a fresh in-process Triggers API, and judges it with the history
checkers. A failing schedule is shrunk to a minimal one and written as a scenario file that
aftershock run replays, with the settings the stack ran with.

With --scenario, explores your own service instead: the file's target (a url that is running, or a
command started once for the exploration and stopped at its end), adapter, webhooks and load. The
schedules run one after another, each with its own run id and webhook (unregistered afterwards when
the adapter has unregister_webhook), judged by the checkers its adapter can feed, and a found one is
written with the same target and adapter. The fault families are those the target can take,
printed before the first schedule: receiver always; process (kill -9, then restart) and proxy (the
service-receiver link) for a command target; worker (pauses) and dynamodb for the triggers-api
adapter with the admin token set and the target's chaos engine on.

options:
  --scenario FILE    explore the service FILE describes (its target must be url or command)
  --runs N           schedules to try (default 50)
  --time DURATION    time budget for exploring and shrinking, e.g. 90s, 5m (default 5m); the
                     schedule running when it ends is stopped, healed and not counted
  --seed N           draw the same schedules again (default: drawn and printed)
  --path PATH        with --seed: start from the schedule at this fast-check path, e.g. 3:0:1 (a
                     found failure's summary and scenario file name it), and shrink from it
  --max-faults N     faults per schedule, 1-5 (default 3)
  --faults LIST      draw only from these families, e.g. receiver,process (default: all the target
                     can take; worker,dynamodb,receiver for the in-process stacks)
  --window DURATION  each schedule's fault window, e.g. 2s (default 400ms; with --scenario, the
                     file's phases.fault); its load runs a quarter of it (100ms-2s) before and
                     after it (100ms each for the in-process stacks)
  --quiesce DURATION longest wait for a schedule's deliveries to settle (default 4s; with
                     --scenario, the file's quiesce)
  --out DIR          where a failing schedule's scenario goes (default .aftershock/explore)
  --no-progress      no line per schedule
  -h, --help         this help

The first line prints the seed (drawn or given) and the command that replays the exploration.

exit codes: 0 every schedule held · 1 a failing schedule was found and written · 2 bad options
            3 a schedule could not be run (the embedded stack or the service did not start, a
              fault could not be applied, a webhook could not be unregistered)
            130 interrupted (SIGINT, SIGTERM): the schedule running is healed, and what was found
                so far is written; replay with the command on the first line`;

/** The options that decide which schedules are drawn and how many; a replay repeats them as given. */
const REPLAYED = ['scenario', 'runs', 'time', 'max-faults', 'faults', 'window', 'quiesce', 'path'] as const;

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
    `${result.failure ? 'FOUND' : 'HELD'}  ${result.explored} schedules explored${result.shrinkRuns > 0 ? `, ${result.shrinkRuns} shrink runs` : ''} in ${formatDuration(Math.round(result.ms))} (${perMinute.toFixed(0)} schedules/minute)${result.signalled ? ', interrupted' : result.interrupted ? ', stopped by the time budget' : ''}`,
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
    if (replay && result.failure.path) lines.push(`  shrink again from it: ${replay.replace(/ --path \S+/, '')} --path ${result.failure.path}`);
  } else if (replay) {
    lines.push(`  replay:   ${replay}`);
  }
  return lines;
}

/** The families not offered, grouped by why: `worker, dynamodb (the http adapter has no chaos control)`. */
function refusedLine(choice: FamilyChoice): string {
  const byReason = new Map<string, FaultFamily[]>();
  for (const [family, reason] of choice.refused) byReason.set(reason, [...(byReason.get(reason) ?? []), family]);
  return [...byReason].map(([reason, families]) => `${families.join(', ')} (${reason})`).join('; ');
}

/** Why `requested` names a family `choice` does not offer, as one line; undefined when it names none. */
function familyProblem(requested: readonly FaultFamily[], choice: FamilyChoice): string | undefined {
  const bad = requested.find((f) => !choice.offered.includes(f));
  return bad === undefined ? undefined : `--faults ${bad}: ${choice.refused.get(bad)}; this target can take ${choice.offered.join(', ')}`;
}

/** The in-process stacks' families, with why the others are not theirs. */
const EMBEDDED_CHOICE: FamilyChoice = {
  offered: [...EMBEDDED_FAMILIES],
  refused: new Map(
    FAULT_FAMILIES.filter((f) => !EMBEDDED_FAMILIES.includes(f)).map((f) => [f, 'the in-process stacks have no process to kill and no proxy links: explore a command target with --scenario']),
  ),
};

/** A schedule's phases around a fault window of `windowMs`: a quarter of it (100 ms–2 s) before and after, for a service of one's own. */
function shapeFor(windowMs: number, service: boolean): ScheduleShape {
  if (!service) return { ...DEFAULT_SHAPE, faultMs: windowMs };
  const edge = Math.min(2_000, Math.max(100, Math.round(windowMs / 4)));
  return { baselineMs: edge, faultMs: windowMs, recoveryMs: edge };
}

/** Runs the command; resolves to the exit code. Never throws. */
export async function exploreCli(args: string[], io: { out: NodeJS.WritableStream; err: NodeJS.WritableStream } = { out: process.stdout, err: process.stderr }, env: Record<string, string | undefined> = process.env): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        scenario: { type: 'string' },
        runs: { type: 'string' },
        time: { type: 'string' },
        seed: { type: 'string' },
        path: { type: 'string' },
        'max-faults': { type: 'string' },
        faults: { type: 'string' },
        window: { type: 'string' },
        quiesce: { type: 'string' },
        out: { type: 'string' },
        'no-progress': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
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
  const window = values.window === undefined ? undefined : parseDuration(values.window);
  const quiesce = values.quiesce === undefined ? undefined : parseDuration(values.quiesce);
  if (Number.isNaN(runs)) return fail(io, '--runs must be a whole number of at least 1');
  if (seed !== undefined && Number.isNaN(seed)) return fail(io, `--seed must be an integer from 0 to ${2 ** 31 - 1}`);
  if (Number.isNaN(maxFaults)) return fail(io, '--max-faults must be from 1 to 5');
  if (values.path !== undefined && !/^\d+(:\d+)*$/.test(values.path)) return fail(io, '--path must be a fast-check path like 3:0:1, as a found failure prints it');
  if (values.path !== undefined && seed === undefined) return fail(io, '--path needs the --seed it was found with');
  if (!time.ok) return fail(io, `--time: ${time.error}`);
  if (window && !window.ok) return fail(io, `--window: ${window.error}`);
  if (window?.ok && (window.value < 200 || window.value > 600_000)) return fail(io, '--window must be from 200ms to 10m');
  if (quiesce && !quiesce.ok) return fail(io, `--quiesce: ${quiesce.error}`);
  if (quiesce?.ok && (quiesce.value < 100 || quiesce.value > 600_000)) return fail(io, '--quiesce must be from 100ms to 10m');
  const requested = values.faults?.split(',').map((f) => f.trim());
  const unknown = requested?.filter((f) => !(FAULT_FAMILIES as readonly string[]).includes(f)) ?? [];
  if (unknown.length > 0) return fail(io, `--faults: unknown family ${unknown.join(', ')}; use ${FAULT_FAMILIES.join(', ')}`);
  let scenario: ServiceScenario | undefined;
  if (values.scenario !== undefined) {
    try {
      const { scenario: loaded } = await loadScenarioFile(values.scenario);
      if (loaded.target.kind === 'embedded') return fail(io, `--scenario ${values.scenario}: its target is embedded; explore without --scenario explores fresh embedded stacks`);
      scenario = loaded as ServiceScenario;
      // What the adapter needs (its placeholders, the admin token), as a run checks it; the file's own
      // method and gates are not explored, so not checked.
      const refused = preflightError({ ...scenario, method: [], gates: [] }, env, values.scenario);
      if (refused) return fail(io, refused.message);
    } catch (err) {
      return fail(io, (err as Error).message);
    }
  }
  const choice = scenario ? targetFamilies(scenario) : EMBEDDED_CHOICE;
  const refusal = requested && familyProblem(requested as FaultFamily[], choice);
  if (refusal) return fail(io, refusal);
  const shape = shapeFor(window?.ok ? window.value : (scenario?.phases.fault ?? DEFAULT_SHAPE.faultMs), scenario !== undefined);
  const quiesceMs = quiesce?.ok ? quiesce.value : scenario?.quiesce;
  const progress = !values['no-progress'];
  // Drawn here, not inside explore(), so the first line carries it: an interrupted run keeps its seed.
  const chosen = seed ?? Math.floor(Math.random() * 2 ** 31);
  const replay = exploreReplayCommand(chosen, values);
  io.out.write(`exploring: seed ${chosen}, up to ${runs} schedules or ${formatDuration(time.value)} · replay: ${replay}\n`);
  let target: ExploreTarget | undefined;
  // SIGINT (Ctrl-C) and SIGTERM (a CI job's timeout) stop the schedule running, heal it and remove its
  // webhook; a command the exploration started is stopped with it. A second signal ends at once.
  const interrupt = new AbortController();
  const onSignal = () => {
    if (interrupt.signal.aborted) process.exit(130);
    interrupt.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let result: ExploreResult;
  try {
    if (scenario) {
      target = await startExploreTarget(scenario, { seed: chosen, env, toxiproxyUrl: env.TOXIPROXY_URL });
      const late = requested && familyProblem(requested as FaultFamily[], target);
      if (late) return fail(io, late);
      const where = scenario.target.kind === 'url' ? `url ${scenario.target.base_url}` : `command, started for the exploration: ${scenario.target.run}`;
      io.out.write(`fault window ${formatDuration(shape.faultMs)}, quiesce up to ${formatDuration(quiesceMs!)} · target: ${where}\n`);
      io.out.write(`faults: ${(requested ?? target.offered).join(', ')}${target.refused.size > 0 ? ` · not offered: ${refusedLine(target)}` : ''}\n`);
    }
    result = await explore({
      runs,
      timeMs: time.value,
      maxFaults,
      ...(requested ? { families: requested as FaultFamily[] } : {}),
      seed: chosen,
      ...(values.path === undefined ? {} : { path: values.path }),
      ...(target ? { target } : {}),
      ...(values.window === undefined && !target ? {} : { shape }),
      ...(quiesceMs === undefined ? {} : { quiesceMs }),
      signal: interrupt.signal,
      onRun: ({ phase, index, schedule, outcome }) => {
        if (!progress) return;
        const verdict = outcome.valid ? 'ok  ' : `FAIL ${outcome.failed.map((c) => c.name).join(', ')}`;
        io.out.write(`  ${phase === 'explore' ? '#' : 'shrink '}${index} ${verdict} · ${schedule.faults.length} fault(s) at ${schedule.rate}/s · ${Math.round(outcome.ms)}ms · ${schedule.faults.map((f) => faultName(f.fault)).join(' + ')}\n`);
      },
    });
  } catch (err) {
    io.err.write(`aftershock explore: ${(err as Error).message}\n`);
    return 3;
  } finally {
    await target?.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const path = result.failure ? await writeFoundScenario(values.out ?? '.aftershock/explore', result.seed, result.failure, replay) : undefined;
  io.out.write(`${exploreSummary(result, path, replay).join('\n')}\n`);
  if (result.signalled) return 130;
  return result.failure ? 1 : 0;
}

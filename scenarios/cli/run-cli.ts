// `aftershock run <file|dir>...`: loads the scenarios, runs each against its target, prints a
// summary per run, and exits 0 (every gate held), 1 (a gate or checker failed), 2 (invalid scenario
// or options), 3 (target unreachable or set-up failed) or 130 (interrupted; rollbacks still ran).
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { writeJunitXml } from '../junit/junit-report.js';
import { claimRunDir, outputPaths, runDirName } from '../runner/outputs.js';
import { loadScenarios } from '../scenario/load-scenario.js';
import { ScenarioError } from '../scenario/scenario-error.js';
import { preflightError } from '../runner/preflight.js';
import { runScenario } from '../runner/run-scenario.js';
import { parseCommand } from './option-problem.js';
import { outputDirs } from './output-dirs.js';
import { createProgress } from './progress.js';
import { summaryLines } from './summary.js';
import { TARGET_OPTIONS, targetOverride, urlOptionProblem, withTarget } from './target-options.js';

export const RUN_USAGE = `usage: aftershock run <scenario file or directory>... [options]

Runs each scenario against its target and judges it: gates, recovery time, history checkers.
Outputs (journal.json, history.jsonl, junit.xml, report.html) go to .aftershock/runs/<time>-<slug>/.

options:
  --seed N                 replay: the same fault decisions and load schedule
  --out DIR                output directory (several scenarios: one subdirectory each, named after
                           the file; files sharing a name get -1, -2, ... in argument order)
  --fail-fast              stop at the first failed gate of the baseline or fault phase, judged once
                           its requests have answered (rollbacks still run)
  --target KIND            override every scenario's target: embedded | url (a scenario already
                           embedded keeps its mode and workers)
  --base-url URL           with --target url: where the service answers
  --admin-token-env NAME   with --target url: the variable holding its admin token (default AFTERSHOCK_ADMIN_TOKEN)
  --toxiproxy-url URL      use a real Toxiproxy for proxy faults (default: $TOXIPROXY_URL, else the built-in proxy)
  --receiver-url URL       use a running \`aftershock receiver\` (its control API) instead of the runner's own
  --receiver-webhook-url URL  with --receiver-url: where the target sends webhooks (default <receiver-url>/hook);
                           the run adds a path segment of its own, and takes only receipts sent there
  --no-progress            plain lines instead of the live progress line
  -h, --help               this help

exit codes: 0 all gates held · 1 a gate or checker failed · 2 invalid scenario or options
            3 target unreachable or set-up failed · 130 interrupted`;

/** The options a replay must repeat to do what this run did (not --seed, --out or --no-progress). */
const REPLAYED = ['target', 'base-url', 'admin-token-env', 'toxiproxy-url', 'receiver-url', 'receiver-webhook-url', 'fail-fast'] as const;

function replayArgs(values: Record<string, unknown>): string[] {
  return REPLAYED.flatMap((name) => {
    const value = values[name];
    if (value === undefined || value === false) return [];
    return value === true ? [`--${name}`] : [`--${name}`, String(value)];
  });
}

/** Runs the command; resolves to the exit code. Never throws. */
export async function runCli(args: string[], io: { out: NodeJS.WriteStream; err: NodeJS.WritableStream } = { out: process.stdout, err: process.stderr }): Promise<number> {
  const options = {
    seed: { type: 'string' },
    out: { type: 'string' },
    'fail-fast': { type: 'boolean' },
    ...TARGET_OPTIONS,
    'toxiproxy-url': { type: 'string' },
    'receiver-url': { type: 'string' },
    'receiver-webhook-url': { type: 'string' },
    'no-progress': { type: 'boolean' },
  } as const;
  const parsed = parseCommand('run', RUN_USAGE, args, options, io);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals.length === 0) {
    io.err.write('aftershock run: name at least one scenario file or directory (see aftershock run --help)\n');
    return 2;
  }
  const seed = values.seed === undefined ? undefined : Number(values.seed);
  if (seed !== undefined && (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 31 - 1)) {
    io.err.write(`aftershock run: --seed must be an integer from 0 to ${2 ** 31 - 1}\n`);
    return 2;
  }
  const badUrl = urlOptionProblem(values, ['base-url', 'receiver-url', 'receiver-webhook-url', 'toxiproxy-url']);
  if (badUrl) {
    io.err.write(`aftershock run: ${badUrl}\n`);
    return 2;
  }
  if (values['receiver-webhook-url'] !== undefined && values['receiver-url'] === undefined) {
    io.err.write('aftershock run: --receiver-webhook-url is for --receiver-url: add --receiver-url URL (the remote receiver), or leave it out\n');
    return 2;
  }
  const interrupt = new AbortController();
  const onSignal = () => interrupt.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let worst = 0;
  // Scenarios that did not pass (a failed gate, or a target that could not be reached or set up).
  let notPassed = 0;
  try {
    const override = targetOverride(values);
    const loaded = (await loadScenarios(positionals)).map(({ file, scenario }) => ({ file, scenario: withTarget(scenario, override) }));
    // What a target or adapter cannot give is found for every scenario before the first one starts.
    const refused = loaded.flatMap(({ file, scenario }) => preflightError(scenario, process.env, file) ?? []);
    for (const err of refused) io.err.write(`aftershock run: ${err.file}: ${err.message}\n`);
    if (refused.length > 0) return 2;
    const dirs = outputDirs(loaded.map(({ file }) => file));
    for (const [i, { file, scenario }] of loaded.entries()) {
      if (interrupt.signal.aborted) break;
      const progress = createProgress(io.out, io.out.isTTY === true && !values['no-progress'], loaded.length > 1 ? `[${scenario.title}] ` : '');
      const out = values.out === undefined ? undefined : loaded.length > 1 ? join(values.out, dirs[i]!) : values.out;
      try {
        const journal = await runScenario(scenario, {
          seed,
          out,
          file,
          replayArgs: replayArgs(values),
          failFast: values['fail-fast'] === true,
          signal: interrupt.signal,
          toxiproxyUrl: values['toxiproxy-url'],
          receiverUrl: values['receiver-url'],
          receiverWebhookUrl: values['receiver-webhook-url'],
          onEvent: (e) => progress.onEvent(e),
        });
        progress.done();
        io.out.write(`${summaryLines(journal).join('\n')}\n`);
        const code = journal.status === 'interrupted' ? 130 : journal.status === 'completed' ? 0 : 1;
        worst = Math.max(worst, code);
        if (code !== 0) notPassed++;
      } catch (err) {
        progress.done();
        if (!(err instanceof ScenarioError)) throw err;
        // A CI job's test report reads junit.xml: a scenario that could not even start must show there
        // as an error, not as nothing.
        const junit = await writeSetupFailure(out, scenario.title, file, err).catch(() => undefined);
        io.err.write(`aftershock run: ${file}: ${err.message}${junit ? ` (recorded in ${junit})` : ''}\n`);
        worst = Math.max(worst, err.exitCode);
        notPassed++;
      }
    }
    if (loaded.length > 1) io.out.write(worst === 0 ? `PASS: ${loaded.length} scenarios\n` : `FAIL: ${notPassed} of ${loaded.length} scenarios did not pass\n`);
    return interrupt.signal.aborted ? 130 : worst;
  } catch (err) {
    if (err instanceof ScenarioError) {
      io.err.write(`aftershock run: ${err.message}\n`);
      return err.exitCode;
    }
    io.err.write(`aftershock run: unexpected error: ${(err as Error).stack ?? String(err)}\n`);
    return 3;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** Writes junit.xml with one error testcase for a run whose set-up failed, where the run would have written it; returns its path. */
async function writeSetupFailure(out: string | undefined, title: string, file: string, err: ScenarioError): Promise<string> {
  const dir = out === undefined ? await claimRunDir(resolve('.aftershock/runs', runDirName(title, new Date()))) : out;
  await mkdir(dir, { recursive: true });
  const { junit } = outputPaths(dir);
  await writeJunitXml(junit, [{ name: title, file, timestamp: new Date(), properties: { status: 'setup_failed', code: err.code }, gates: [], checkers: [], error: `set-up failed: ${err.message}` }]);
  return junit;
}

// `aftershock validate <file|dir>...`: checks scenarios without running them, as `aftershock run`
// would before it starts anything (the format with every bad field's path, then what the target and
// adapter cannot give), and prints each valid scenario's plan. Every file is checked, not only up to
// the first bad one, so one pass in CI or in an editor lists everything to fix.
import { preflightProblems } from '../runner/preflight.js';
import { loadScenarioFile, scenarioFiles } from '../scenario/load-scenario.js';
import { ScenarioError, type FieldIssue } from '../scenario/scenario-error.js';
import { parseCommand } from './option-problem.js';
import { planLines } from './plan.js';
import { TARGET_OPTIONS, targetOverride, urlOptionProblem, withTarget } from './target-options.js';

export const VALIDATE_USAGE = `usage: aftershock validate <scenario file or directory>... [options]

Checks scenarios without running them, as aftershock run does before it starts: the format (each bad
field by its path), then what the target and adapter cannot give (an admin token, a template
variable, processes to kill). Prints each valid scenario's plan: target, load, phases, the timeline
of faults and actions, probes and gates.

options:
  --target KIND            check as if run with --target embedded | url
  --base-url URL           with --target url: where the service answers
  --admin-token-env NAME   with --target url: the variable holding its admin token (default AFTERSHOCK_ADMIN_TOKEN)
  --quiet                  print only the problems and the count
  -h, --help               this help

exit codes: 0 every scenario is valid · 2 a scenario is invalid, or bad options`;

/** Runs the command; resolves to the exit code (0 or 2). Never throws. */
export async function validateCli(
  args: string[],
  io: { out: NodeJS.WritableStream; err: NodeJS.WritableStream } = { out: process.stdout, err: process.stderr },
  env: Record<string, string | undefined> = process.env,
): Promise<number> {
  const parsed = parseCommand('validate', VALIDATE_USAGE, args, { ...TARGET_OPTIONS, quiet: { type: 'boolean' } }, io);
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals.length === 0) {
    io.err.write('aftershock validate: name at least one scenario file or directory (see aftershock validate --help)\n');
    return 2;
  }
  const badUrl = urlOptionProblem(values, ['base-url']);
  if (badUrl) {
    io.err.write(`aftershock validate: ${badUrl}\n`);
    return 2;
  }
  let files: string[];
  let override;
  try {
    override = targetOverride(values);
    files = await scenarioFiles(positionals);
  } catch (err) {
    if (!(err instanceof ScenarioError)) throw err;
    io.err.write(`aftershock validate: ${err.message}\n`);
    return 2;
  }
  let invalid = 0;
  for (const file of files) {
    let problems: readonly FieldIssue[];
    let plan: string[] = [];
    let title = '';
    try {
      const scenario = withTarget((await loadScenarioFile(file)).scenario, override);
      problems = preflightProblems(scenario, env);
      plan = planLines(scenario);
      title = scenario.title;
    } catch (err) {
      if (!(err instanceof ScenarioError)) throw err;
      // A file that cannot be read or parsed has no field paths: its message says what is wrong.
      problems = err.issues.length > 0 ? err.issues : [{ path: '', message: err.message.startsWith(`${file}: `) ? err.message.slice(file.length + 2) : err.message }];
    }
    if (problems.length > 0) {
      invalid++;
      io.out.write(`FAIL ${file}\n${problems.map((p) => `     ${p.path ? `${p.path}: ` : ''}${p.message}\n`).join('')}`);
    } else if (!values.quiet) {
      io.out.write(`ok   ${file}: ${title}\n${plan.map((line) => `     ${line}\n`).join('')}`);
    }
  }
  io.out.write(invalid === 0 ? `${files.length} valid\n` : `${invalid} of ${files.length} invalid\n`);
  return invalid === 0 ? 0 : 2;
}

// Runs every benchmark suite in bench/*.bench.ts one after another (never in parallel: they share
// two cores), or only the suites named on the command line: `npm run bench -- ingest proxy`. Prints
// progress, records each suite (record.ts), and with --check exits 1 when a declared goal is missed.
import { readdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { measured, met, recordSection, RESULTS_FILE, type BenchSection, type Goal } from './record.js';

const dir = import.meta.dirname;
const available = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''))
  .sort();
const usage = `usage: npm run bench [-- [--check] [suite...]]

Runs the benchmark suites one after another (all, or those named) and records each in
docs/BENCHMARKS.md (generated blocks) and bench/results.json.

suites: ${available.join(', ')}

options:
  --check     exit 1 when any suite misses a goal it declares
  -h, --help  show this help

exit codes: 0 done (and, with --check, every goal met); 1 a goal missed with --check, or a suite failed; 2 bad arguments`;

let parsed;
try {
  parsed = parseArgs({ allowPositionals: true, options: { check: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } } });
} catch (err) {
  console.error(`bench: ${(err as Error).message} (see --help)`);
  process.exit(2);
}
if (parsed.values.help) {
  console.log(usage);
  process.exit(0);
}
const unknown = parsed.positionals.filter((name) => !available.includes(name));
if (unknown.length > 0) {
  console.error(`bench: no suite named ${unknown.join(', ')}; choose from ${available.join(', ')}`);
  process.exit(2);
}
// The lockfile pins AWS SDK releases that support Node 20; their notice about later releases is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const suites = parsed.positionals.length === 0 ? available : available.filter((name) => parsed.positionals.includes(name));

const missed: { suite: string; goal: Goal }[] = [];
const failed: string[] = [];
const started = Date.now();
for (const [i, name] of suites.entries()) {
  const tag = `[${i + 1}/${suites.length}] ${name}`;
  const suiteStart = Date.now();
  console.log(`\n=== ${tag}: running ===`);
  // Suites run for minutes: a heartbeat says the run is alive when a suite prints nothing for a while.
  const heartbeat = setInterval(() => console.log(`${tag}: still running (${seconds(suiteStart)})`), 30_000);
  try {
    const mod = (await import(pathToFileURL(resolve(dir, `${name}.bench.ts`)).href)) as { default: () => Promise<Omit<BenchSection, 'name'>> };
    const result = await mod.default();
    console.log(result.body);
    recordSection({ name, ...result });
    for (const goal of result.goals ?? []) if (!met(goal)) missed.push({ suite: name, goal });
    const goals = result.goals ?? [];
    const verdict = goals.length === 0 ? 'declares no goals' : `${goals.filter(met).length}/${goals.length} goals met`;
    console.log(`${tag}: done in ${seconds(suiteStart)}, ${verdict}`);
  } catch (err) {
    failed.push(name);
    console.error(`${tag}: FAILED after ${seconds(suiteStart)}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  } finally {
    clearInterval(heartbeat);
  }
}

console.log(`\n${suites.length - failed.length} of ${suites.length} suites recorded in docs/BENCHMARKS.md and ${RESULTS_FILE} (${seconds(started)})`);
for (const { suite, goal } of missed) console.log(`goal missed: ${suite}: ${goal.name} = ${measured(goal)} (goal ${goal.op === '>=' ? '≥' : '≤'} ${goal.target}${goal.unit ? ` ${goal.unit}` : ''})`);
if (failed.length > 0) console.error(`suites that failed: ${failed.join(', ')}`);
process.exitCode = failed.length > 0 || (parsed.values.check && missed.length > 0) ? 1 : 0;

function seconds(since: number): string {
  return `${((Date.now() - since) / 1000).toFixed(0)} s`;
}

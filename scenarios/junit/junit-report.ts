// junit.xml for CI: one testsuite per scenario, one testcase per gate and per checker, with the
// measured value (in the tolerance's unit) and tolerance in the failure message and the detail or
// examples in its body; a gate the run stopped before judging is `<skipped>` with the reason; a
// deviated run says so in the suite's properties and every testcase's output.
// Built with junit-report-builder, which escapes, strips characters XML forbids and splits CDATA.
import { writeFile } from 'node:fs/promises';
import junitModule, { type Builder, type TestCase } from 'junit-report-builder';
import type { CheckerResult } from '../checkers/checker.js';
import type { GateResult } from '../gates/gate-result.js';
import { formatNumber, parseTolerance } from '../gates/tolerance.js';

// The package is CommonJS whose module.exports *is* the builder, while its typings declare an ES
// default export; under Node's ESM interop the import is the builder itself.
const junit = junitModule as unknown as Builder;

/** One scenario's verdict as junit.xml reports it. */
export interface ScenarioVerdict {
  /** The scenario's title: the testsuite's name. */
  name: string;
  /** The scenario file, when it came from one. */
  file?: string;
  /** How long the run took, in ms. */
  duration_ms?: number;
  /** When the run started. */
  timestamp?: Date;
  /** Shown as testsuite properties, e.g. seed, status, replay command. */
  properties?: Record<string, string | number>;
  /** `judged: false` marks a gate the run stopped before judging (the journal's gates): reported as skipped. */
  gates: readonly (GateResult & { judged?: false })[];
  checkers: readonly CheckerResult[];
  /** Why the run could not judge (set-up failed, interrupted); reported as an error testcase. */
  error?: string;
  /** The journal's `deviated`: shown as a suite property when given. */
  deviated?: boolean;
  /** Why it deviated (`deviationCauses`), e.g. `step "kill worker" was not applied`. */
  deviation?: readonly string[];
}

/** A dotted class name from a title: `Receiver outage, then recovery` → `receiver-outage-then-recovery`. */
export function slug(title: string): string {
  return title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'scenario';
}

/** A checker's counts on one line: `ok=3 lost=1`. */
function countsLine(counts: Record<string, number>): string {
  return Object.entries(counts).map(([k, v]) => `${k}=${v}`).join(' ');
}

/** The checker's examples, one per line, for a failure body or system-out. */
function examplesText(result: CheckerResult): string {
  return result.examples
    .map((e) => {
      const ids = [e.event_id && `event ${e.event_id}`, e.delivery_id && `delivery ${e.delivery_id}`, e.webhook_id && `webhook ${e.webhook_id}`].filter(Boolean).join(', ');
      const times = e.times?.length ? ` at ${e.times.map((t) => Math.round(t)).join('/')} ms` : '';
      return `${ids || 'history'}${times}: expected ${e.expected}; seen ${e.seen}`;
    })
    .join('\n');
}

const DURATION_UNIT = /\d(ms|s|m)$/;
const PER_MS = { ms: 1, s: 1000, m: 60_000 } as const;

/**
 * A gate's measured value in its tolerance's unit, so the failure message compares like with like:
 * `312ms` against `<= 250ms`, `5.23s` against `<= 5s` (ms whole, s and m to 3 places); a plain
 * number to 4 places.
 */
export function measuredText(measured: number | null, tolerance: string): string {
  if (measured === null) return 'nothing (never)';
  const parsed = parseTolerance(tolerance);
  const unit = parsed.ok && parsed.value.unit === 'ms' ? (DURATION_UNIT.exec(tolerance.trim())?.[1] as keyof typeof PER_MS | undefined) : undefined;
  if (unit === 'ms') return `${Math.round(measured)}ms`;
  if (unit) return `${Number((measured / PER_MS[unit]).toFixed(3))}${unit}`;
  return formatNumber(measured);
}

/**
 * Marks a testcase skipped, with the reason as the `<skipped>` element's message (CI shows it beside the
 * test). junit-report-builder writes a bare `<skipped/>`, so the element is added here instead, before
 * any `<system-out>`, as the JUnit schema orders them.
 */
function skip(testCase: TestCase, message: string, output: string): void {
  const build = testCase.build.bind(testCase);
  testCase.getSkippedCount = () => 1;
  testCase.build = (parent) => {
    const element = build(parent);
    element.ele('skipped', { message });
    if (output !== '') element.ele('system-out').cdata(output);
    return element;
  };
}

/**
 * Renders junit.xml for one or more scenario runs. Each testcase has `time="0"`: gates and checkers
 * judge the one run the suite's `time` covers and take no time of their own, and reporters that add
 * testcase times up (GitLab) would count the run once per gate if each carried it.
 * @example junitXml([{ name: 'Receiver outage', gates, checkers, properties: { seed: 42 } }])
 */
export function junitXml(verdicts: readonly ScenarioVerdict[]): string {
  const builder = junit.newBuilder();
  for (const verdict of verdicts) {
    const suite = builder.testSuite().name(verdict.name);
    if (verdict.duration_ms !== undefined) suite.time(verdict.duration_ms / 1000);
    if (verdict.timestamp) suite.timestamp(verdict.timestamp);
    if (verdict.file) suite.property('file', verdict.file);
    for (const [key, value] of Object.entries(verdict.properties ?? {})) suite.property(key, String(value));
    if (verdict.deviated !== undefined) suite.property('deviated', String(verdict.deviated));
    const causes = verdict.deviated ? (verdict.deviation?.length ? verdict.deviation : ['steady state deviated']) : [];
    if (causes.length > 0) suite.property('deviation', causes.join('; '));
    // Every testcase's output opens with it: a CI reader looking at one gate sees the run it judged deviated.
    const output = (body: string) => [causes.length > 0 ? `deviated: ${causes.join('; ')}` : '', body].filter((s) => s !== '').join('\n');
    const base = slug(verdict.name);
    if (verdict.error !== undefined) suite.testCase().className(base).name('run').time(0).error(verdict.error, 'run_error');
    const checkerNames = new Set(verdict.checkers.map((c) => c.name));
    for (const gate of verdict.gates) {
      // An invariant gate is reported through its checker's own testcase.
      if (gate.kind === 'invariant' && checkerNames.has(gate.name)) continue;
      const testCase = suite.testCase().className(`${base}.gates.${gate.kind}`).name(gate.name).time(0);
      if (verdict.file) testCase.file(verdict.file);
      if (gate.judged === false) skip(testCase, `${gate.name}: ${gate.detail}`, output(''));
      else if (gate.passed) testCase.standardOutput(output(gate.detail));
      else {
        testCase.failure(`${gate.name}: measured ${measuredText(gate.measured, gate.tolerance)}, tolerance ${gate.tolerance}`, gate.kind).stacktrace(gate.detail);
        if (causes.length > 0) testCase.standardOutput(output(''));
      }
    }
    for (const checker of verdict.checkers) {
      const testCase = suite.testCase().className(`${base}.checkers`).name(checker.name).time(0);
      if (verdict.file) testCase.file(verdict.file);
      const body = [countsLine(checker.counts), examplesText(checker)].filter((s) => s !== '').join('\n');
      if (checker.valid) testCase.standardOutput(output(body));
      else {
        testCase.failure(`${checker.name} found violations: ${countsLine(checker.counts)}`, 'checker').stacktrace(body);
        if (causes.length > 0) testCase.standardOutput(output(''));
      }
    }
  }
  return builder.build();
}

/** Writes {@link junitXml} to `path` (e.g. the run's `junit.xml`). */
export async function writeJunitXml(path: string, verdicts: readonly ScenarioVerdict[]): Promise<void> {
  await writeFile(path, junitXml(verdicts), 'utf8');
}

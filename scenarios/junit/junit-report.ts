// junit.xml for CI: one testsuite per scenario, one testcase per gate and per checker, with the
// measured value and tolerance in the failure message and the detail or examples in its body.
// Built with junit-report-builder, which escapes, strips characters XML forbids and splits CDATA.
import { writeFile } from 'node:fs/promises';
import junitModule, { type Builder } from 'junit-report-builder';
import type { CheckerResult } from '../checkers/checker.js';
import type { GateResult } from '../gates/gate-result.js';

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
  gates: readonly GateResult[];
  checkers: readonly CheckerResult[];
  /** Why the run could not judge (set-up failed, interrupted); reported as an error testcase. */
  error?: string;
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
      const times = e.times?.length ? ` at ${e.times.join('/')} ms` : '';
      return `${ids || 'history'}${times}: expected ${e.expected}; seen ${e.seen}`;
    })
    .join('\n');
}

/**
 * Renders junit.xml for one or more scenario runs.
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
    const base = slug(verdict.name);
    if (verdict.error !== undefined) suite.testCase().className(base).name('run').error(verdict.error, 'run_error');
    const checkerNames = new Set(verdict.checkers.map((c) => c.name));
    for (const gate of verdict.gates) {
      // An invariant gate is reported through its checker's own testcase.
      if (gate.kind === 'invariant' && checkerNames.has(gate.name)) continue;
      const testCase = suite.testCase().className(`${base}.gates.${gate.kind}`).name(gate.name);
      if (verdict.file) testCase.file(verdict.file);
      const measured = gate.measured === null ? 'nothing (never)' : String(gate.measured);
      if (gate.passed) testCase.standardOutput(`${gate.detail}`);
      else testCase.failure(`${gate.name}: measured ${measured}, tolerance ${gate.tolerance}`, gate.kind).stacktrace(gate.detail);
    }
    for (const checker of verdict.checkers) {
      const testCase = suite.testCase().className(`${base}.checkers`).name(checker.name);
      if (verdict.file) testCase.file(verdict.file);
      const body = [countsLine(checker.counts), examplesText(checker)].filter((s) => s !== '').join('\n');
      if (checker.valid) testCase.standardOutput(body);
      else testCase.failure(`${checker.name} found violations: ${countsLine(checker.counts)}`, 'checker').stacktrace(body);
    }
  }
  return builder.build();
}

/** Writes {@link junitXml} to `path` (e.g. the run's `junit.xml`). */
export async function writeJunitXml(path: string, verdicts: readonly ScenarioVerdict[]): Promise<void> {
  await writeFile(path, junitXml(verdicts), 'utf8');
}

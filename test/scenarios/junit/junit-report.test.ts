import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'junit2json';
import { describe, expect, it } from 'vitest';
import type { CheckerResult } from '../../../scenarios/checkers/checker.js';
import type { GateResult } from '../../../scenarios/gates/gate-result.js';
import { junitXml, measuredText, slug, writeJunitXml, type ScenarioVerdict } from '../../../scenarios/junit/junit-report.js';

const gates: GateResult[] = [
  { name: 'fault: success_rate of create_event', kind: 'phase', measured: 0.97, tolerance: '>= 0.95', passed: true, detail: 'phase fault: success_rate was 0.97' },
  { name: 'recovery_time: ingest ok', kind: 'recovery_time', measured: null, tolerance: '<= 5s', passed: false, detail: '"ingest ok" never held for 5s since the last heal at 30s' },
  { name: 'after: ingest p99 <&> "quoted"', kind: 'probe', measured: 312.5, tolerance: '<= 250ms', passed: false, detail: 'latency ]]> was 312.5ms\u0000' },
];
const checkers: CheckerResult[] = [
  { name: 'no_lost_events', valid: true, counts: { ok: 10, lost: 0 }, examples: [] },
  {
    name: 'no_concurrent_double_delivery',
    valid: false,
    counts: { deliveries: 4, concurrent: 1 },
    examples: [{ delivery_id: 'd1', event_id: 'e1', webhook_id: 'wh-1', times: [100, 900, 300, 400], expected: 'one receipt of a delivery at a time', seen: 'receipts overlapping from 300 ms to 400 ms' }],
  },
];
const verdict: ScenarioVerdict = { name: 'Receiver outage, then recovery', file: 'scenarios/catalog/receiver-outage.yaml', duration_ms: 61_250, properties: { seed: 42, status: 'failed' }, gates, checkers };

/** Parses with junit2json (xml2js in strict mode: a JUnit report consumer), failing on anything not well-formed. */
async function consume(xml: string) {
  const report = await parse(xml);
  if (!report || !('testsuite' in report) || !report.testsuite) throw new Error('junit2json found no <testsuites>');
  return report;
}

describe('junit.xml', () => {
  it('has one testsuite per scenario and one testcase per gate and per checker, as a JUnit consumer reads it', async () => {
    const report = await consume(junitXml([verdict, { name: 'Kill the worker', gates: [gates[0] as GateResult], checkers: [] }]));
    expect(report).toMatchObject({ tests: 6, failures: 3, errors: 0 });
    const [first, second] = report.testsuite ?? [];
    expect(first).toMatchObject({ name: 'Receiver outage, then recovery', tests: 5, failures: 3, time: 61.25 });
    expect(first?.properties).toEqual([
      { name: 'file', value: 'scenarios/catalog/receiver-outage.yaml' },
      { name: 'seed', value: 42 },
      { name: 'status', value: 'failed' },
    ]);
    expect(first?.testcase?.map((t) => [t.classname, t.name, t.failure ? 'failed' : 'passed'])).toEqual([
      ['receiver-outage-then-recovery.gates.phase', 'fault: success_rate of create_event', 'passed'],
      ['receiver-outage-then-recovery.gates.recovery_time', 'recovery_time: ingest ok', 'failed'],
      ['receiver-outage-then-recovery.gates.probe', 'after: ingest p99 <&> "quoted"', 'failed'],
      ['receiver-outage-then-recovery.checkers', 'no_lost_events', 'passed'],
      ['receiver-outage-then-recovery.checkers', 'no_concurrent_double_delivery', 'failed'],
    ]);
    expect(second).toMatchObject({ name: 'Kill the worker', tests: 1, failures: 0 });
  });

  it('puts the measured value and tolerance in the failure message and the detail in its body', async () => {
    const cases = (await consume(junitXml([verdict]))).testsuite?.[0]?.testcase ?? [];
    expect(cases[1]?.failure).toEqual([
      { message: 'recovery_time: ingest ok: measured nothing (never), tolerance <= 5s', type: 'recovery_time', inner: '"ingest ok" never held for 5s since the last heal at 30s' },
    ]);
    expect(cases[2]?.failure?.[0]).toMatchObject({ message: 'after: ingest p99 <&> "quoted": measured 313ms, tolerance <= 250ms', inner: 'latency ]]> was 312.5ms' });
    expect(cases[4]?.failure).toEqual([
      {
        message: 'no_concurrent_double_delivery found violations: deliveries=4 concurrent=1',
        type: 'checker',
        inner: 'deliveries=4 concurrent=1\nevent e1, delivery d1, webhook wh-1 at 100/900/300/400 ms: expected one receipt of a delivery at a time; seen receipts overlapping from 300 ms to 400 ms',
      },
    ]);
    expect(cases[3]?.['system-out']).toEqual(['ok=10 lost=0']);
  });

  it('gives each testcase time 0 and the suite the run time, so a reporter adding testcases up counts the run once', async () => {
    const [suite] = (await consume(junitXml([verdict]))).testsuite ?? [];
    expect(suite?.time).toBe(61.25);
    expect(suite?.testcase?.map((t) => t.time)).toEqual([0, 0, 0, 0, 0]);
    // GitLab links a testcase to its file through this attribute.
    expect(suite?.testcase?.map((t) => (t as { file?: string }).file)).toEqual(Array(5).fill('scenarios/catalog/receiver-outage.yaml'));
  });

  it('states a measured value in the unit its tolerance is written in, rounded, and example times in whole ms', async () => {
    const timed: GateResult[] = [
      { name: 'p99', kind: 'probe', measured: 16.287, tolerance: '<= 0ms', passed: false, detail: 'x' },
      { name: 'recovery', kind: 'recovery_time', measured: 5230.4, tolerance: '<= 5s', passed: false, detail: 'x' },
      { name: 'soak', kind: 'phase', measured: 150_000, tolerance: '< 2m', passed: false, detail: 'x' },
      { name: 'ingest', kind: 'phase', measured: 0.98765432, tolerance: '>= 0.99', passed: false, detail: 'x' },
    ];
    const overlap: CheckerResult = { ...checkers[1]!, examples: [{ ...checkers[1]!.examples[0]!, times: [501.36020899999994, 2561.395842] }] };
    const cases = (await consume(junitXml([{ name: 'units', gates: timed, checkers: [overlap] }]))).testsuite?.[0]?.testcase ?? [];
    expect(cases.map((c) => c.failure?.[0]?.message)).toEqual([
      'p99: measured 16ms, tolerance <= 0ms',
      'recovery: measured 5.23s, tolerance <= 5s',
      'soak: measured 2.5m, tolerance < 2m',
      'ingest: measured 0.9877, tolerance >= 0.99',
      'no_concurrent_double_delivery found violations: deliveries=4 concurrent=1',
    ]);
    expect(cases[4]?.failure?.[0]?.inner).toContain('webhook wh-1 at 501/2561 ms: expected');
    expect(measuredText(200, '200')).toBe('200');
    expect(measuredText(null, '<= 5s')).toBe('nothing (never)');
  });

  it('says a run deviated, and why, in the suite properties and in every testcase output', async () => {
    const cause = 'step "kill <worker> ]]>" was not applied';
    const report = await consume(junitXml([{ ...verdict, deviated: true, deviation: [cause] }, { ...verdict, name: 'steady', deviated: false }]));
    const [deviated, steady] = report.testsuite ?? [];
    expect(deviated?.properties).toEqual(expect.arrayContaining([{ name: 'deviated', value: 'true' }, { name: 'deviation', value: cause }]));
    expect(deviated?.testcase?.map((t) => t['system-out']?.[0]?.split('\n')[0])).toEqual(Array(5).fill(`deviated: ${cause}`));
    // The passing cases keep what they said before, after that line.
    expect(deviated?.testcase?.[3]?.['system-out']).toEqual([`deviated: ${cause}\nok=10 lost=0`]);
    expect(steady?.properties).toEqual(expect.arrayContaining([{ name: 'deviated', value: 'false' }]));
    expect(steady?.properties?.some((p) => p.name === 'deviation')).toBe(false);
    expect(JSON.stringify(steady?.testcase)).not.toContain('deviated');
  });

  it('reports a run that could not judge as an error testcase', async () => {
    const report = await consume(junitXml([{ name: 'Unreachable', gates: [], checkers: [], error: 'target did not get ready at http://127.0.0.1:9/health/ready within 30s' }]));
    expect(report).toMatchObject({ tests: 1, errors: 1 });
    expect(report.testsuite?.[0]?.testcase?.[0]).toMatchObject({ name: 'run', error: [{ message: 'target did not get ready at http://127.0.0.1:9/health/ready within 30s', type: 'run_error' }] });
  });

  it('reports a gate the run stopped before judging as skipped, with the reason, and not as a failure', async () => {
    const ff = 'not judged (the run stopped at 2.003s: --fail-fast, after a baseline gate failed';
    const stopped: ScenarioVerdict = {
      name: 'Gates that cannot hold',
      properties: { status: 'aborted' },
      deviated: true,
      deviation: ['steady state did not hold before or after'],
      gates: [
        { name: 'baseline: latency_p99', kind: 'phase', measured: 78, tolerance: '<= 1ms', passed: false, detail: 'phase baseline: latency_p99 over 0ms–2s was 78ms' },
        { name: 'fault: error_rate', kind: 'phase', measured: null, tolerance: '== 0', passed: false, judged: false, detail: `${ff})` },
        { name: 'no_lost_events', kind: 'invariant', measured: null, tolerance: 'valid', passed: false, judged: false, detail: `${ff}, before the read-back)` },
      ],
      checkers: [],
      error: 'the run was aborted',
    };
    const report = await consume(junitXml([stopped]));
    expect(report).toMatchObject({ tests: 4, failures: 1, errors: 1, skipped: 2 });
    const cases = report.testsuite?.[0]?.testcase ?? [];
    expect(cases.map((c) => [c.name, c.failure ? 'failed' : c.skipped ? 'skipped' : c.error ? 'error' : 'passed'])).toEqual([
      ['run', 'error'],
      ['baseline: latency_p99', 'failed'],
      ['fault: error_rate', 'skipped'],
      ['no_lost_events', 'skipped'],
    ]);
    expect(cases[2]?.skipped).toEqual([{ message: `fault: error_rate: ${ff})` }]);
    expect(cases[3]?.skipped).toEqual([{ message: `no_lost_events: ${ff}, before the read-back)` }]);
    // A skipped case still opens its output with the run's deviation, as every other case does.
    expect(cases[2]?.['system-out']).toEqual(['deviated: steady state did not hold before or after']);
  });

  it('reports an invariant gate once, through its checker', async () => {
    const invariant: GateResult = { name: 'no_lost_events', kind: 'invariant', measured: 0, tolerance: 'valid', passed: true, detail: 'ok' };
    const report = await consume(junitXml([{ ...verdict, gates: [invariant], checkers: [checkers[0] as CheckerResult] }]));
    expect(report.testsuite?.[0]?.testcase?.map((t) => t.name)).toEqual(['no_lost_events']);
  });

  it('writes the file the CI job picks up', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aftershock-junit-'));
    try {
      await writeJunitXml(join(dir, 'junit.xml'), [verdict]);
      expect((await consume(await readFile(join(dir, 'junit.xml'), 'utf8'))).tests).toBe(5);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('makes class names from titles', () => {
    expect(slug('Receiver outage, then recovery')).toBe('receiver-outage-then-recovery');
    expect(slug('!!!')).toBe('scenario');
  });
});

// Writes a runner output folder by hand (SPEC §5.2's journal shape), for the suites that list runs
// before the runner itself exists: one run that held, one that failed a gate.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A temporary `.aftershock/runs` with two runs; returns its path. */
export function writeRunsFixture(): string {
  const dir = mkdtempSync(join(tmpdir(), 'aftershock-runs-'));
  const run = (name: string, journal: unknown, report?: string) => {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, 'journal.json'), JSON.stringify(journal, null, 2));
    if (report !== undefined) writeFileSync(join(dir, name, 'report.html'), report);
  };
  run(
    '2026-12-04T10-00-00-receiver-outage',
    {
      status: 'completed',
      deviated: false,
      seed: 42,
      start: '2026-12-04T10:00:00.000Z',
      end: '2026-12-04T10:01:00.000Z',
      scenario: { title: 'Receiver outage, then recovery' },
      gates: [
        { name: 'fault success_rate', ok: true, value: 0.98 },
        { name: 'recovery_time', ok: true, value: '3.1s' },
      ],
      checkers: { no_lost_events: { valid: true }, deliveries_complete: { valid: true } },
    },
    // Inline, as a self-contained report's charts are: the page must be allowed to run it.
    '<!doctype html><title>Run report</title><h1>Receiver outage, then recovery: passed</h1><p id="chart">no script ran</p>' +
      '<script>document.getElementById("chart").textContent = "inline script ran"</script>',
  );
  run('2026-12-04T11-00-00-dynamodb-throttling', {
    status: 'failed',
    deviated: true,
    seed: 7,
    start: '2026-12-04T11:00:00.000Z',
    scenario: { title: 'DynamoDB throttling' },
    gates: [
      { name: 'fault success_rate', ok: false, value: 0.81 },
      { name: 'recovery_time', ok: true, value: '4.0s' },
    ],
    checkers: { no_lost_events: { valid: true } },
    errors: ['step "throttle writes" never fired: its chaos rule matched no call in its window'],
  });
  return dir;
}

// A chaos step whose rule never fired is a deviation: the fault never happened, so a green run would
// say nothing about it. The journal, its errors and the summary name the step.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { summaryLines } from '../../../scenarios/cli/summary.js';
import { deviationCauses, neverInjected } from '../../../scenarios/runner/deviation.js';
import { runScenario } from '../../../scenarios/runner/run-scenario.js';
import { FAKE_ADAPTER, startFakeEventService, type FakeEventService } from '../support/fake-event-service.js';

const services: FakeEventService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
});

const refuse = { chaos: { point: 'http_in', injector: { kind: 'http_error', status: 503 } } } as const;

it('names a chaos step whose rule fired 0 times as the cause of deviation, and not one that fired', async () => {
  const service = await startFakeEventService();
  services.push(service);
  const journal = await runScenario(
    {
      title: 'idle rule',
      target: { kind: 'url', base_url: service.url },
      adapter: FAKE_ADAPTER,
      // The load ends after 1 s: the second step's window sees no request its rule could refuse.
      load: { rate: 20, duration: '1s' },
      phases: { baseline: '500ms', fault: '2500ms', recovery: '1s' },
      method: [
        { name: 'busy rule', at: '500ms', for: '500ms', fault: refuse },
        { name: 'idle rule', at: '2s', for: '1s', fault: refuse },
      ],
      quiesce: '2s',
    },
    { env: { AFTERSHOCK_ADMIN_TOKEN: 'test-admin-token' }, seed: 4, out: await mkdtemp(join(tmpdir(), 'aftershock-idle-')) },
  );
  expect(journal.activities.map((a) => [a.name, a.status, a.injections! > 0])).toEqual([
    ['busy rule', 'healed', true],
    ['idle rule', 'healed', false],
  ]);
  expect(journal.activities[1]?.injections).toBe(0);
  expect(journal.deviated).toBe(true);
  expect(deviationCauses(journal)).toEqual(['step "idle rule" never injected (0 injections)']);
  expect(journal.errors).toContain('idle rule (chaos:http_in) never injected: its rule fired 0 times in its window, so the run saw no such fault');
  expect(summaryLines(journal)[0]).toBe('PASS  idle rule  (deviated: step "idle rule" never injected (0 injections))');
  // A CI job reading junit.xml sees it too, in the suite's properties (and each testcase's output; this run has none).
  const junit = await readFile(journal.outputs.junit, 'utf8');
  expect(junit).toContain('<property name="deviated" value="true"/>');
  expect(junit).toContain('<property name="deviation" value="step &quot;idle rule&quot; never injected (0 injections)"/>');
});

it('does not call a step never injected when the run stopped inside its window', () => {
  const step = (name: string, healed: number) => ({ name, type: 'fault' as const, kind: 'chaos:http_in', planned: { start: 2_000, end: 5_000 }, started: 2_000, healed, status: 'healed' as const, injections: 0 });
  // Healed by the rollback 58 ms in (a --fail-fast stop), and one that ran its whole window.
  const activities = [step('cut short', 2_058), step('ran its window', 5_000)];
  expect(neverInjected(activities).map((a) => a.name)).toEqual(['ran its window']);
});

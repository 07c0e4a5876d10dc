// Phases that do not last whole seconds are judged on their own requests: the run's measurements are
// cut at the phase boundaries, so a 500 ms baseline is not read off a second that reaches into the fault.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { runScenario } from '../../../scenarios/runner/run-scenario.js';
import { FAKE_ADAPTER, startFakeEventService, type FakeEventService } from '../support/fake-event-service.js';

const services: FakeEventService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
});

it('judges a 500 ms baseline and a 500 ms fault each on its own half of the first second', async () => {
  const service = await startFakeEventService();
  services.push(service);
  const journal = await runScenario(
    {
      title: 'half-second phases',
      target: { kind: 'url', base_url: service.url },
      adapter: FAKE_ADAPTER,
      load: { rate: 20 },
      phases: { baseline: '500ms', fault: '500ms', recovery: '1s' },
      method: [{ name: 'refuse', at: '500ms', for: '500ms', fault: { chaos: { point: 'http_in', injector: { kind: 'http_error', status: 503 } } } }],
      gates: [
        { phase: 'baseline', metric: 'success_rate', tolerance: '>= 0.99' },
        // The rule takes effect a few milliseconds into its window: a request or two may pass.
        { phase: 'fault', metric: 'success_rate', tolerance: '<= 0.2' },
      ],
      quiesce: '2s',
    },
    { env: { AFTERSHOCK_ADMIN_TOKEN: 'test-admin-token' }, seed: 5, out: await mkdtemp(join(tmpdir(), 'aftershock-half-')) },
  );
  const gates = journal.gates.map((g) => [g.name, g.passed, g.detail]);
  expect(gates, JSON.stringify(gates)).toEqual([
    ['baseline: success_rate', true, expect.stringContaining('over 0ms–500ms was 1;')],
    ['fault: success_rate', true, expect.stringContaining('over 500ms–1s was')],
  ]);
});

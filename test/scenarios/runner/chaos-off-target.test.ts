// A scenario with chaos steps against a target whose chaos engine is off: the real Triggers API would
// accept every rule and fire none, so the run stops at set-up (exit 3) and says how to turn it on.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { ChaosEngine } from '../../../chaos/src/index.js';
import { runScenario } from '../../../scenarios/runner/run-scenario.js';
import { ScenarioError } from '../../../scenarios/scenario/scenario-error.js';
import { ADMIN_TOKEN, startTestApi, type TestApi } from '../../support/test-api.js';

let api: TestApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

it('fails set-up with exit 3 before any load when the target runs with its chaos engine off', async () => {
  api = await startTestApi({ WORKER_ENABLED: 'false' }, { chaos: { engine: new ChaosEngine({ enabled: false }) } });
  let planned = 0;
  const running = runScenario(
    {
      title: 'chaos off',
      target: { kind: 'url', base_url: api.url },
      load: { rate: 10 },
      phases: { baseline: '1s', fault: '1s', recovery: '1s' },
      method: [{ at: '1s', for: '1s', fault: { chaos: { point: 'http_in', injector: { kind: 'http_error', status: 503 }, probability: 0.5 } } }],
    },
    { env: { AFTERSHOCK_ADMIN_TOKEN: ADMIN_TOKEN }, out: await mkdtemp(join(tmpdir(), 'aftershock-chaos-off-')), onEvent: (e) => void (e.type === 'phase' && planned++) },
  );
  const error = await running.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(ScenarioError);
  expect(error).toMatchObject({ code: 'setup_failed', exitCode: 3 });
  expect((error as Error).message).toMatch(/chaos engine is off.*start the target with CHAOS_ENABLED=true$/);
  expect((error as Error).message).not.toContain('\n');
  // Stopped before the run began: no phase started, no rule installed.
  expect(planned).toBe(0);
  const rules = await api.call('GET', '/_chaos/rules', { key: ADMIN_TOKEN });
  expect(rules.body).toMatchObject({ enabled: false, rules: [] });
});

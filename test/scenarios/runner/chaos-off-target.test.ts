// A scenario with chaos steps against a target whose chaos engine is off: the real Triggers API would
// accept every rule and fire none, so the run stops at set-up (exit 3) and says how to turn it on. The
// same for a target with no chaos control API at all, and one that refuses the admin token: each step
// would fail, and the run would pass as deviated with no fault applied.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { ChaosEngine } from '../../../chaos/src/index.js';
import { runScenario } from '../../../scenarios/runner/run-scenario.js';
import { ScenarioError } from '../../../scenarios/scenario/scenario-error.js';
import type { ScenarioInput } from '../../../scenarios/scenario/scenario-schema.js';
import { ADMIN_TOKEN, startTestApi, type TestApi } from '../../support/test-api.js';

const chaosScenario = (url: string): ScenarioInput => ({
  title: 'chaos refused',
  target: { kind: 'url', base_url: url },
  load: { rate: 10 },
  phases: { baseline: '1s', fault: '1s', recovery: '1s' },
  method: [{ at: '1s', for: '1s', fault: { chaos: { point: 'http_in', injector: { kind: 'http_error', status: 503 }, probability: 0.5 } } }],
});

/** The set-up error of a run of `chaosScenario(url)` with `token`, and how many phases it started. */
async function setupError(url: string, token: string): Promise<{ error: unknown; planned: number }> {
  let planned = 0;
  const error = await runScenario(chaosScenario(url), { env: { AFTERSHOCK_ADMIN_TOKEN: token }, out: await mkdtemp(join(tmpdir(), 'aftershock-chaos-refused-')), onEvent: (e) => void (e.type === 'phase' && planned++) }).then(
    () => undefined,
    (err: unknown) => err,
  );
  return { error, planned };
}

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

it('fails set-up with exit 3 when the target has no chaos control API', async () => {
  // A service of one's own: it answers its health check, and 404 on every other path.
  const server = createServer((req, res) => res.writeHead(req.url === '/' ? 200 : 404, { 'content-type': 'application/json' }).end('{}'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { error, planned } = await setupError(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, 'token');
    expect(error).toMatchObject({ code: 'setup_failed', exitCode: 3 });
    expect((error as Error).message).toMatch(/^the target has no chaos control API \(GET \/_chaos\/rules answered 404\), so its chaos steps cannot be applied: /);
    expect(planned).toBe(0);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

it('fails set-up with exit 3 when the target refuses the admin token', async () => {
  api = await startTestApi({ WORKER_ENABLED: 'false' });
  const { error, planned } = await setupError(api.url, 'adm_not-the-token');
  expect(error).toMatchObject({ code: 'setup_failed', exitCode: 3 });
  expect((error as Error).message).toMatch(/^the target refused the admin token on GET \/_chaos\/rules \(40[13]\)/);
  expect(planned).toBe(0);
});

// The package as another project gets it: `npm pack`, install the tarball into a fresh project, then
// run a scenario there with `npx aftershock run … --target url` and against the embedded stack (whose
// server, worker and store processes fork built JavaScript), and import the API, with no tsx and no
// TypeScript sources at the user's side; and a scenario written in TypeScript, the one thing that
// loads tsx (a dependency), through the installed binary run by plain node.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_ADAPTER, startFakeEventService, type FakeEventService } from '../scenarios/support/fake-event-service.js';
import { ADMIN_TOKEN, startTestApi, type TestApi } from '../support/test-api.js';

const exec = promisify(execFile);
const repo = resolve(import.meta.dirname, '../..');
let project: string;
/** Where the installed tsx waits while the tests that prove the harness runs without it run. */
let tsxAside: string;
let service: FakeEventService;
let triggersApi: TestApi;

beforeAll(async () => {
  const packDir = await mkdtemp(join(tmpdir(), 'aftershock-pack-'));
  await exec('npm', ['pack', '--pack-destination', packDir], { cwd: repo, maxBuffer: 64 * 1024 * 1024 });
  const [tarball] = (await readdir(packDir)).filter((f) => f.endsWith('.tgz'));
  project = await mkdtemp(join(tmpdir(), 'aftershock-user-'));
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'user-project', version: '1.0.0', type: 'module', private: true }));
  await exec('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', join(packDir, tarball!)], { cwd: project, maxBuffer: 64 * 1024 * 1024 });
  // tsx is a dependency for `npm start` from a clone and for TypeScript scenarios; the installed
  // harness must not need it otherwise. Set aside, not deleted: the TypeScript test puts it back.
  tsxAside = await mkdtemp(join(tmpdir(), 'aftershock-tsx-'));
  await rename(join(project, 'node_modules/tsx'), join(tsxAside, 'tsx'));
  await rm(join(project, 'node_modules/.bin/tsx'), { force: true });
  service = await startFakeEventService();
  triggersApi = await startTestApi();
});

afterAll(async () => {
  await service?.close();
  await triggersApi?.close();
});

describe('the packed package in another project', () => {
  it('ships built JavaScript and types, not TypeScript sources to run', async () => {
    const files = await readdir(join(project, 'node_modules/aftershock/dist/scenarios'));
    expect(files).toContain('index.js');
    expect(files).toContain('index.d.ts');
  });

  it('runs a scenario with npx aftershock run --target url and exits 0', async () => {
    const file = join(project, 'smoke.json');
    await writeFile(file, JSON.stringify({ title: 'smoke', adapter: FAKE_ADAPTER, load: { rate: 10 }, phases: { baseline: '1s', fault: '1s', recovery: '1s' }, quiesce: '2s', gates: [{ invariants: ['no_lost_events'] }] }));
    const { stdout } = await exec('npx', ['aftershock', 'run', file, '--target', 'url', '--base-url', service.url, '--no-progress', '--out', join(project, 'out')], { cwd: project });
    expect(stdout).toMatch(/^PASS {2}smoke/m);
  });

  it('runs a scenario against the embedded stack as processes, with no tsx in the project', async () => {
    expect(existsSync(join(project, 'node_modules/tsx'))).toBe(false);
    const file = join(project, 'embedded.json');
    await writeFile(
      file,
      JSON.stringify({
        title: 'embedded smoke',
        // A 1 s lease, so the killed worker's deliveries are retried soon after its restart.
        target: { kind: 'embedded', mode: 'processes', workers: 1, env: { WEBHOOK_VISIBILITY_TIMEOUT_MS: '1000', WEBHOOK_TIMEOUT_MS: '500' } },
        load: { rate: 10 },
        phases: { baseline: '1s', fault: '1s', recovery: '1s' },
        quiesce: '20s',
        // The kill needs worker processes: it fails unless the scenario's processes mode was kept.
        method: [
          { name: 'receiver refuses', at: '1s', for: '1s', fault: { receiver: { status: 503 } } },
          { name: 'kill -9 worker', at: '1s', action: { kill: 'worker', signal: 'SIGKILL', restart_after: '500ms' } },
        ],
        gates: [{ invariants: ['no_lost_events', 'deliveries_complete'] }],
      }),
    );
    const { stdout } = await exec('npx', ['aftershock', 'run', file, '--target', 'embedded', '--no-progress', '--out', join(project, 'out-embedded')], { cwd: project });
    expect(stdout).toMatch(/^PASS {2}embedded smoke/m);
    const journal = JSON.parse(await readFile(join(project, 'out-embedded', 'journal.json'), 'utf8')) as { activities: { name: string; status: string }[] };
    expect(journal.activities.map((a) => `${a.name}: ${a.status}`)).toEqual(['receiver refuses: healed', 'kill -9 worker: healed']);
  });

  it('imports runScenario and defineScenario from aftershock', async () => {
    const script = join(project, 'use.mjs');
    await writeFile(
      script,
      `import { runScenario, defineScenario } from 'aftershock';
const journal = await runScenario(defineScenario(${JSON.stringify({ title: 'programmatic', target: { kind: 'url', base_url: '__URL__' }, adapter: FAKE_ADAPTER, load: { rate: 10 }, phases: { baseline: '1s', fault: '1s', recovery: '1s' }, quiesce: '2s' })}), { out: 'out2' });
console.log(journal.status);`.replace('__URL__', service.url),
    );
    const { stdout } = await exec(process.execPath, [script], { cwd: project });
    expect(stdout.trim()).toBe('completed');
  });

  it('runs a scenario through the triggers-api adapter, which speaks through the bundled SDK', async () => {
    const file = join(project, 'triggers.json');
    await writeFile(file, JSON.stringify({ title: 'triggers smoke', adapter: 'triggers-api', load: { rate: 10 }, phases: { baseline: '1s', fault: '1s', recovery: '1s' }, quiesce: '5s', gates: [{ invariants: ['no_lost_events', 'deliveries_complete'] }] }));
    const { stdout } = await exec('npx', ['aftershock', 'run', file, '--target', 'url', '--base-url', triggersApi.url, '--no-progress', '--out', join(project, 'out3')], {
      cwd: project,
      env: { ...process.env, AFTERSHOCK_ADMIN_TOKEN: ADMIN_TOKEN },
    });
    expect(stdout).toMatch(/^PASS {2}triggers smoke/m);
    expect(await readdir(join(project, 'node_modules/aftershock/dist/sdk/typescript/src'))).toContain('client.js');
  });

  it('runs a TypeScript scenario with the installed binary, and reports one that does not compile on one line', async () => {
    await rename(join(tsxAside, 'tsx'), join(project, 'node_modules/tsx'));
    try {
      const file = join(project, 'smoke.ts');
      const scenario = { title: 'ts smoke', adapter: FAKE_ADAPTER, phases: { baseline: '1s', fault: '1s', recovery: '1s' }, quiesce: '2s', gates: [{ invariants: ['no_lost_events'] }] };
      await writeFile(file, `import { defineScenario } from 'aftershock';\nconst rate: number = 10;\nexport default defineScenario({ ...${JSON.stringify(scenario)}, load: { rate } });\n`);
      // The bin script is run by node itself: nothing registers tsx for it.
      const { stdout } = await exec('npx', ['aftershock', 'run', file, '--target', 'url', '--base-url', service.url, '--no-progress', '--out', join(project, 'out-ts')], { cwd: project });
      expect(stdout).toMatch(/^PASS {2}ts smoke/m);
      const broken = join(project, 'broken.ts');
      await writeFile(broken, 'export default {\n');
      const failed = await exec('npx', ['aftershock', 'run', broken, '--no-progress'], { cwd: project }).then(
        () => ({ code: 0, stderr: '' }),
        (err: { code: number; stderr: string }) => err,
      );
      expect(failed.code).toBe(2);
      expect(failed.stderr).toMatch(new RegExp(`^aftershock run: ${broken}: cannot load this module: [^\\n]+\\n$`));
    } finally {
      await rename(join(project, 'node_modules/tsx'), join(tsxAside, 'tsx'));
    }
  });
});

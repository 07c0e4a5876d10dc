// The package as another project gets it: `npm pack`, install the tarball into a fresh project, then
// run a scenario there with `npx aftershock run … --target url` and import the API, with no tsx and
// no TypeScript sources at the user's side.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_ADAPTER, startFakeEventService, type FakeEventService } from '../scenarios/support/fake-event-service.js';
import { ADMIN_TOKEN, startTestApi, type TestApi } from '../support/test-api.js';

const exec = promisify(execFile);
const repo = resolve(import.meta.dirname, '../..');
let project: string;
let service: FakeEventService;
let triggersApi: TestApi;

beforeAll(async () => {
  const packDir = await mkdtemp(join(tmpdir(), 'aftershock-pack-'));
  await exec('npm', ['pack', '--pack-destination', packDir], { cwd: repo, maxBuffer: 64 * 1024 * 1024 });
  const [tarball] = (await readdir(packDir)).filter((f) => f.endsWith('.tgz'));
  project = await mkdtemp(join(tmpdir(), 'aftershock-user-'));
  await writeFile(join(project, 'package.json'), JSON.stringify({ name: 'user-project', version: '1.0.0', type: 'module', private: true }));
  await exec('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', join(packDir, tarball!)], { cwd: project, maxBuffer: 64 * 1024 * 1024 });
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
});

// `aftershock run` as a CI job sees it: help, and the exit codes of SPEC §5.2 for a passing run, a
// failed gate, an invalid scenario and an unreachable target.
import { mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../scenarios/cli/run-cli.js';
import { FAKE_ADAPTER, startFakeEventService, type FakeEventService } from '../support/fake-event-service.js';
import { textSink } from '../../support/text-sink.js';

const services: FakeEventService[] = [];
afterEach(async () => {
  for (const s of services.splice(0)) await s.close();
});

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out = textSink();
  const err = textSink();
  const code = await runCli(args, { out: out.stream, err: err.stream });
  return { code, out: out.text(), err: err.text() };
}

async function scenarioFile(content: unknown, name = 's.json'): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'aftershock-cli-'));
  const file = join(dir, name);
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

const base = (url: string) => ({
  title: 'cli',
  target: { kind: 'url', base_url: url },
  adapter: FAKE_ADAPTER,
  load: { rate: 10 },
  phases: { baseline: '1s', fault: '1s', recovery: '1s' },
  quiesce: '2s',
});

describe('aftershock run', () => {
  it('prints help with the exit codes', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    expect(out).toMatch(/exit codes: 0 all gates held/);
  });

  it('exits 0 when every gate holds and 1 when a checker fails, printing the replay command', async () => {
    const healthy = await startFakeEventService();
    const lossy = await startFakeEventService({ loseEvery: 5 });
    services.push(healthy, lossy);
    const gates = [{ invariants: ['no_lost_events'] }];
    const pass = await run([await scenarioFile({ ...base(healthy.url), gates }), '--seed', '9', '--no-progress', '--out', await mkdtemp(join(tmpdir(), 'o-'))]);
    expect(pass.code, pass.out + pass.err).toBe(0);
    expect(pass.out).toMatch(/^PASS {2}cli/m);
    expect(pass.out).toMatch(/replay: {2}npx aftershock run \S+ --seed 9/);
    // Two scenarios, one of them failing: exit 1, and the last line says how many did not pass.
    const both = [await scenarioFile({ ...base(healthy.url), gates }, 'a.json'), await scenarioFile({ ...base(lossy.url), gates }, 'b.json')];
    const fail = await run([...both, '--no-progress', '--out', await mkdtemp(join(tmpdir(), 'o-'))]);
    expect(fail.code).toBe(1);
    expect(fail.out).toMatch(/FAIL no_lost_events/);
    expect(fail.out).not.toMatch(/note: adapter/);
    expect(fail.out.trimEnd().split('\n').at(-1)).toBe('FAIL: 1 of 2 scenarios did not pass');
  });

  it('says which adapter path found nothing when every event seems lost', async () => {
    const healthy = await startFakeEventService();
    services.push(healthy);
    const adapter = { http: { ...FAKE_ADAPTER.http, create_event: { ...FAKE_ADAPTER.http.create_event, id: '$.id' } } };
    const file = await scenarioFile({ ...base(healthy.url), adapter, gates: [{ invariants: ['no_lost_events'] }] });
    const fail = await run([file, '--no-progress', '--out', await mkdtemp(join(tmpdir(), 'o-'))]);
    expect(fail.code).toBe(1);
    expect(fail.out).toMatch(/note: adapter\.http\.create_event\.id \(\$\.id\) found no id in \d+ 2xx answer\(s\), e\.g\. \{"data":\{"id":/);
  });

  it('prints a replay command that repeats the target the run was pointed at', async () => {
    const healthy = await startFakeEventService();
    services.push(healthy);
    // The file names no reachable target: the run goes where the options say, and so must its replay.
    const file = await scenarioFile({ ...base('http://127.0.0.1:1'), gates: [{ invariants: ['no_lost_events'] }] });
    const pass = await run([file, '--target', 'url', '--base-url', healthy.url, '--seed', '4', '--no-progress', '--out', await mkdtemp(join(tmpdir(), 'o-'))]);
    expect(pass.code, pass.out + pass.err).toBe(0);
    expect(pass.out).toContain(`replay:  npx aftershock run ${file} --seed 4 --target url --base-url '${healthy.url}'`);
  });

  it('writes scenarios of one invocation that share a file name to distinct directories under --out', async () => {
    const service = await startFakeEventService();
    services.push(service);
    const dir = await mkdtemp(join(tmpdir(), 'aftershock-cli-'));
    const files = ['a', 'b'].map((sub) => join(dir, sub, 'smoke.json'));
    for (const [i, file] of files.entries()) {
      await mkdir(join(dir, ['a', 'b'][i]!));
      await writeFile(file, JSON.stringify({ ...base(service.url), title: `smoke ${i + 1}` }));
    }
    const out = join(dir, 'out');
    const { code, out: stdout, err } = await run([...files, '--out', out, '--seed', '3', '--no-progress']);
    expect(code, stdout + err).toBe(0);
    expect((await readdir(out)).sort()).toEqual(['smoke-1', 'smoke-2']);
    for (const [i, sub] of ['smoke-1', 'smoke-2'].entries()) {
      const journal = JSON.parse(await readFile(join(out, sub, 'journal.json'), 'utf8')) as { file: string; title: string };
      expect(journal).toMatchObject({ file: files[i], title: `smoke ${i + 1}` });
    }
  });

  it('exits 2 naming the file and field of an invalid scenario', async () => {
    const file = await scenarioFile('title: x\nload: { rate: -3 }\nphases: { baseline: 1s, fault: 1s, recovery: 1s }\n', 'bad.yaml');
    const { code, err } = await run([file]);
    expect(code).toBe(2);
    expect(err).toContain(`${file}: load.rate:`);
  });

  it('exits 2 before the first scenario starts when a later one asks for what its target cannot give', async () => {
    const service = await startFakeEventService();
    services.push(service);
    const dir = await mkdtemp(join(tmpdir(), 'aftershock-cli-'));
    await writeFile(join(dir, 'a-fine.json'), JSON.stringify(base(service.url)));
    const kill = { at: '1s', action: { kill: 'worker' } };
    await writeFile(join(dir, 'b-kill.json'), JSON.stringify({ ...base(service.url), method: [kill] }));
    const { code, out, err } = await run([dir, '--no-progress']);
    expect(code).toBe(2);
    expect(err).toBe(`aftershock run: ${join(dir, 'b-kill.json')}: method.0: a kill needs processes the runner started: an embedded target with mode: processes, or a command target\n`);
    // Nothing ran: no summary of the first scenario.
    expect(out).toBe('');
  });

  it('exits 2 on an option that only means something beside another, instead of dropping it', async () => {
    const file = await scenarioFile({ ...base('http://127.0.0.1:1') });
    const baseUrl = await run([file, '--base-url', 'http://127.0.0.1:2', '--no-progress']);
    expect(baseUrl).toEqual({ code: 2, out: '', err: 'aftershock run: --base-url is for --target url: add --target url to run against it, or leave --base-url out\n' });
    const webhookUrl = await run([file, '--receiver-webhook-url', 'http://127.0.0.1:2/hook', '--no-progress']);
    expect(webhookUrl).toEqual({ code: 2, out: '', err: 'aftershock run: --receiver-webhook-url is for --receiver-url: add --receiver-url URL (the remote receiver), or leave it out\n' });
  });

  it('exits 2 on an option that should be a URL and is not, before anything starts', async () => {
    const file = await scenarioFile({ ...base('http://127.0.0.1:1') });
    for (const [name, value] of [['--base-url', 'staging.example.com'], ['--receiver-url', 'not-a-url'], ['--toxiproxy-url', 'ftp://x']]) {
      const { code, err } = await run([file, '--target', 'url', '--base-url', 'http://127.0.0.1:1', name!, value!, '--no-progress']);
      expect(code).toBe(2);
      expect(err).toBe(`aftershock run: ${name} "${value}" is not an http(s) URL, e.g. http://127.0.0.1:8080\n`);
    }
  });

  it('exits 3 when the target cannot be reached, naming the socket\'s error', async () => {
    // Port 9 is one fetch refuses outright with a bare TypeError: the runner's probe still names the cause.
    for (const port of [1, 9]) {
      const file = await scenarioFile({ ...base(`http://127.0.0.1:${port}`) });
      const out = await mkdtemp(join(tmpdir(), 'aftershock-cli-unreachable-'));
      const { code, err } = await run([file, '--no-progress', '--out', out]);
      expect(code).toBe(3);
      const message = `cannot reach http://127.0.0.1:${port} (ECONNREFUSED); start the service or fix target.base_url`;
      expect(err).toBe(`aftershock run: ${file}: ${message} (recorded in ${join(out, 'junit.xml')})\n`);
      // A CI job's test report shows the scenario as an error, not as nothing.
      const junit = await readFile(join(out, 'junit.xml'), 'utf8');
      expect(junit).toContain('<testsuite name="cli"');
      expect(junit).toContain(`<error message="set-up failed: ${message}" type="run_error"/>`);
      expect(junit).toContain('<property name="status" value="setup_failed"/>');
    }
  });
});

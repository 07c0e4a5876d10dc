// `aftershock validate`: every file checked (format, then what the target and adapter cannot give),
// each valid scenario's plan printed, and exit 0 only when all are valid.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planLines } from '../../../scenarios/cli/plan.js';
import { validateCli } from '../../../scenarios/cli/validate-cli.js';
import { loadScenarios } from '../../../scenarios/scenario/load-scenario.js';
import { parseScenario } from '../../../scenarios/scenario/parse-scenario.js';
import { textSink } from '../../support/text-sink.js';

async function validate(args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; out: string; err: string }> {
  const out = textSink();
  const err = textSink();
  const code = await validateCli(args, { out: out.stream, err: err.stream }, env);
  return { code, out: out.text(), err: err.text() };
}

async function folder(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'aftershock-validate-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

const CATALOG = 'scenarios/catalog';
const phases = 'phases: { baseline: 2s, fault: 4s, recovery: 4s }\n';

describe('aftershock validate', () => {
  it('passes the whole catalog, printing each scenario with its plan', async () => {
    const count = (await loadScenarios([CATALOG])).length;
    const { code, out, err } = await validate([CATALOG]);
    expect(code).toBe(0);
    expect(err).toBe('');
    expect(out.match(/^ok {3}scenarios\/catalog\/\S+\.yaml: /gm)).toHaveLength(count);
    expect(out.match(/^ {5}timeline /gm)).toHaveLength(count);
    expect(out.endsWith(`${count} valid\n`)).toBe(true);
  });

  it('checks every file, lists each problem by its field path, and exits 2', async () => {
    const dir = await folder({
      'a-valid.yaml': `title: fine\nload: { rate: 5 }\n${phases}`,
      'b-fields.yaml': `title: two bad fields\nload: { rate: -1 }\n${phases}method:\n  - { at: 9s, for: 5s, fault: { receiver: { status: 503 } } }\n`,
      'c-broken.yaml': 'title: [unclosed\n',
      'd-token.yaml': `title: chaos on a url\ntarget: { kind: url, base_url: "http://127.0.0.1:1", admin_token_env: SVC_TOKEN }\nload: { rate: 5 }\n${phases}method:\n  - { at: 2s, for: 1s, fault: { chaos: { point: dynamodb, injector: { kind: throttle, ops_per_second: 5 } } } }\n`,
    });
    const { code, out } = await validate([dir]);
    expect(code).toBe(2);
    expect(out).toContain(`ok   ${join(dir, 'a-valid.yaml')}: fine\n`);
    expect(out).toContain(`FAIL ${join(dir, 'b-fields.yaml')}\n     load.rate: Too small: expected number to be >0\n     method.0.at: ends at 14000 ms, after the run (10000 ms)\n`);
    expect(out).toMatch(new RegExp(`FAIL ${join(dir, 'c-broken.yaml')}\\n {5}not valid YAML: .+\\n`));
    const setToken = 'set SVC_TOKEN (or name another variable in target.admin_token_env)';
    expect(out).toContain(
      `FAIL ${join(dir, 'd-token.yaml')}\n     adapter: the triggers-api adapter makes the run's API key with the target's admin token: ${setToken}\n     method.0: chaos faults need the target's admin token: ${setToken}\n`,
    );
    expect(out.endsWith('3 of 4 invalid\n')).toBe(true);
  });

  it('judges the scenarios as --target would point them, with the environment it is given', async () => {
    const file = join(CATALOG, 'kill-worker.yaml');
    const none = await validate([file, '--target', 'url', '--base-url', 'http://127.0.0.1:8080']);
    expect(none.code).toBe(2);
    expect(none.out).toContain('set AFTERSHOCK_ADMIN_TOKEN');
    expect(none.out).toMatch(/a kill needs processes the runner started/);
    const token = await validate([file, '--target', 'url', '--base-url', 'http://127.0.0.1:8080'], { AFTERSHOCK_ADMIN_TOKEN: 'x' });
    expect(token.out).not.toContain('AFTERSHOCK_ADMIN_TOKEN (or');
    expect(token.out).toMatch(/a kill needs processes the runner started/);
    const missing = await validate([file, '--target', 'url']);
    expect(missing).toEqual({ code: 2, out: '', err: 'aftershock validate: --target url needs --base-url URL\n' });
    // Without --target url they would be dropped, and the file's own target judged instead.
    expect(await validate([file, '--base-url', 'http://127.0.0.1:8080'])).toEqual({ code: 2, out: '', err: 'aftershock validate: --base-url is for --target url: add --target url to run against it, or leave --base-url out\n' });
    expect((await validate([file, '--target', 'embedded', '--admin-token-env', 'T'])).err).toContain('--admin-token-env is for --target url');
  });

  it('prints only the problems and the count with --quiet', async () => {
    const dir = await folder({ 'a.yaml': `title: fine\nload: { rate: 5 }\n${phases}`, 'b.yaml': `title: bad\nload: { rate: 0 }\n${phases}` });
    const { code, out } = await validate([dir, '--quiet']);
    expect(code).toBe(2);
    expect(out).toBe(`FAIL ${join(dir, 'b.yaml')}\n     load.rate: Too small: expected number to be >0\n1 of 2 invalid\n`);
  });

  it('exits 2 with one line for a path that holds no scenario', async () => {
    const empty = await folder({});
    expect(await validate([empty])).toEqual({ code: 2, out: '', err: `aftershock validate: ${empty}: no scenario files (.yaml, .json, .ts) in this directory\n` });
    expect((await validate([])).code).toBe(2);
  });
});

describe('the plan', () => {
  it('says what each step does and when, in order, with the phase it starts in', () => {
    const scenario = parseScenario({
      title: 'plan',
      seed: 7,
      target: { kind: 'command', run: 'node server.js', ready_url: 'http://127.0.0.1:9000/health', ready_timeout: '10s' },
      adapter: {
        http: {
          create_event: { path: '/events', body: { type: '{{event_type}}' }, id: '$.data.id' },
          read_event: { path: '/events/{{id}}' },
          register_webhook: { path: '/subscriptions', body: { url: '{{receiver_url}}' } },
          receipt: { event_id: '$.event.id' },
        },
      },
      load: { rate: 40, mix: { create_event: 3, read_event: 1 }, max_in_flight: 200 },
      phases: { baseline: '5s', fault: '20s', recovery: '35s' },
      steady_state: [
        { name: 'ok', metric: 'success_rate', tolerance: '>= 0.99' },
        { name: 'lag', metric: 'delivery_lag_p99', tolerance: '<= 2s' },
        { name: 'up', http: { get: '/health' }, tolerance: 200 },
      ],
      method: [
        { name: 'outage', at: '10s', for: '5s', fault: { receiver: { status: 503, probability: 0.5 } } },
        { at: '5s', for: '2s', fault: { chaos: { point: 'http_out', injector: { kind: 'latency', ms: 300 }, probability: 0.25 } } },
        { at: '1m', action: { kill: 'server', signal: 'SIGTERM' } },
        { at: '20s', for: '10s', fault: { process: { stop: 'worker' } } },
      ],
      gates: [
        { phase: 'fault', metric: 'success_rate', tolerance: '>= 0.9' },
        { name: 'back', recovery_time: '<= 5s', probes: ['ok', 'lag'] },
        { invariants: ['no_lost_events', 'deliveries_complete'] },
      ],
    });
    expect(planLines(scenario)).toEqual([
      'target     the command `node server.js`, ready when http://127.0.0.1:9000/health answers 2xx within 10s',
      'adapter    http: creates with POST /events (id at $.data.id), reads with GET /events/{{id}}, registers 1 webhook to the runner\'s receiver with POST /subscriptions',
      'load       40/s for 1m: 2400 requests (create_event 75 %, read_event 25 %), at most 200 in flight',
      'phases     baseline 0s–5s · fault 5s–25s · recovery 25s–1m',
      'timeline   5s–7s         fault    chaos at http_out: latency ms=300, 25 % of calls',
      '           10s–15s       fault    "outage": receiver answers 503, 50 % of receipts',
      '           20s–30s       fault    worker stopped (SIGSTOP), continued at the end',
      '           1m            recovery kill server (SIGTERM), not restarted',
      'probes     ok: success_rate of create_event >= 0.99',
      '           lag: delivery_lag_p99 <= 2s',
      '           up: GET /health answers 200',
      'gates      success_rate of create_event over fault >= 0.9',
      '           back: recovery time <= 5s for ok, lag (each holding 5s)',
      '           invariants no_lost_events, deliveries_complete',
      'after      rollbacks: heal all; then up to 20s for deliveries to settle',
      'seed       7, fixed in the file',
    ]);
  });
});

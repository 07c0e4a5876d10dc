// The explore command's help and option errors (one line that says what to do, exit code 2), its first
// line (the seed and the replay, before anything runs) and its summary.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exploreCli, exploreSummary } from '../../../scenarios/explore/explore-cli.js';

const run = async (args: string[], env: Record<string, string | undefined> = process.env) => {
  let out = '';
  let err = '';
  const code = await exploreCli(args, { out: { write: (s: string) => ((out += s), true) } as never, err: { write: (s: string) => ((err += s), true) } as never }, env);
  return { code, out, err };
};

/** A scenario file for a service at `target` (nothing needs to answer there: these are refused first). */
async function scenarioFile(target: unknown, adapter: unknown = { http: { create_event: { path: '/events', id: '$.id' }, read_event: { path: '/events/{{id}}' } } }): Promise<string> {
  const file = join(await mkdtemp(join(tmpdir(), 'aftershock-explore-cli-')), 'service.json');
  await writeFile(file, JSON.stringify({ title: 'service', target, adapter, load: { rate: 5 }, phases: { baseline: '1s', fault: '1s', recovery: '1s' } }));
  return file;
}
const url = { kind: 'url', base_url: 'http://127.0.0.1:9' };

describe('aftershock explore options', () => {
  it('prints its help with exit code 0', async () => {
    const { code, out } = await run(['--help']);
    expect(code).toBe(0);
    expect(out).toMatch(/--runs N[\s\S]*--time DURATION[\s\S]*--faults LIST[\s\S]*exit codes/);
    expect(out).toMatch(/^ {12}130 interrupted/m);
  });

  it('prints a drawn seed and the command that replays the exploration on its first line, before any schedule runs', async () => {
    const out = await mkdtemp(join(tmpdir(), 'aftershock-explore-cli-'));
    const { code, out: text } = await run(['--runs', '1', '--max-faults', '1', '--faults', 'receiver', '--out', out]);
    expect(code, text).toBeLessThanOrEqual(1);
    const lines = text.split('\n');
    const first = /^exploring: seed (\d+), up to 1 schedules or 5m · replay: npx aftershock explore --seed (\d+) --runs 1 --max-faults 1 --faults receiver$/.exec(lines[0]!);
    expect(first, lines[0]).not.toBeNull();
    expect(first![2]).toBe(first![1]);
    expect(lines[1]).toMatch(/^ {2}#1 /);
    expect(lines).toContain(`  seed ${first![1]}`);
  });

  it.each([
    [['--runs', '0'], /--runs must be a whole number/],
    [['--time', 'soon'], /--time: /],
    [['--faults', 'worker,disk'], /--faults: unknown family disk; use worker, dynamodb, receiver/],
    [['--max-faults', '9'], /--max-faults must be from 1 to 5/],
    [['--bogus'], /unknown option '--bogus'/],
    [['--path', '3:0'], /--path needs the --seed it was found with/],
    [['--seed', '7', '--path', '3;0'], /--path must be a fast-check path like 3:0:1/],
  ])('refuses %j with one line and exit code 2', async (args, message) => {
    const { code, err } = await run(args);
    expect(code).toBe(2);
    expect(err).toMatch(message);
    expect(err.trim().split('\n')).toHaveLength(1);
  });

  it('summarises what was explored, the rate, and the failure with its replay command', () => {
    const lines = exploreSummary(
      {
        seed: 9,
        explored: 10,
        shrinkRuns: 2,
        interrupted: false,
        ms: 12_000,
        faults: { 'receiver status 503': 4, 'worker crash @ delivery/send': 7 },
        failure: {
          schedule: { rate: 5, faults: [{ at: 0, for: 200, fault: { receiver: { status: 503 } } }] },
          runSeed: 1,
          failed: [{ name: 'no_lost_events', valid: false, counts: { lost: 1 }, examples: [] }],
          path: '3:0',
        },
      },
      '/tmp/explore-9.yaml',
      'npx aftershock explore --seed 9 --runs 10',
    );
    expect(lines[0]).toBe('FOUND  10 schedules explored, 2 shrink runs in 12s (60 schedules/minute)');
    expect(lines).toContain('  shrink again from it: npx aftershock explore --seed 9 --runs 10 --path 3:0');
    expect(lines).toContain('       7 × worker crash @ delivery/send');
    expect(lines).toContain('  FAIL no_lost_events: lost=1');
    expect(lines).toContain('  replay:   npx aftershock run /tmp/explore-9.yaml');
  });

  it("names the event of a failed checker's example in its line", () => {
    const schedule = { rate: 5, faults: [{ at: 0, for: 200, fault: { receiver: { status: 503 as const } } }] };
    const example = { event_id: 'evt-9', expected: 'readable', seen: 'not readable' };
    const failed = [{ name: 'no_lost_events', valid: false, counts: { lost: 1 }, examples: [example] }];
    const lines = exploreSummary({ seed: 9, explored: 1, shrinkRuns: 0, interrupted: false, ms: 1_000, faults: {}, failure: { schedule, runSeed: 1, failed, path: '0' } });
    expect(lines).toContain('  FAIL no_lost_events: lost=1; e.g. event evt-9: expected readable, saw not readable');
  });

  it('ends a summary where nothing failed with the command that replays the exploration', () => {
    const held = { seed: 9, explored: 3, shrinkRuns: 0, interrupted: false, ms: 3_000, faults: { 'receiver status 503': 3 } };
    const lines = exploreSummary(held, undefined, 'npx aftershock explore --seed 9 --runs 3');
    expect(lines[0]).toBe('HELD  3 schedules explored in 3s (60 schedules/minute)');
    expect(lines.at(-1)).toBe('  replay:   npx aftershock explore --seed 9 --runs 3');
  });

  it.each<[{ target?: unknown; adapter?: unknown; faults?: string; window?: string }, string]>([
    [{ target: url, faults: 'dynamodb' }, '--faults dynamodb: the http adapter has no chaos control; this target can take receiver'],
    [{ target: url, faults: 'receiver,process' }, '--faults process: the runner does not start a url target, so it cannot kill and restart it; this target can take receiver'],
    [{ target: url, adapter: 'triggers-api', faults: 'worker' }, "adapter: the triggers-api adapter makes the run's API key with the target's admin token: set AFTERSHOCK_ADMIN_TOKEN"],
    [{ target: { kind: 'embedded' } }, 'its target is embedded; explore without --scenario explores fresh embedded stacks'],
    [{ faults: 'proxy' }, '--faults proxy: the in-process stacks have no process to kill and no proxy links: explore a command target with --scenario; this target can take worker, dynamodb, receiver'],
    [{ window: '50ms' }, '--window must be from 200ms to 10m'],
  ])('refuses a fault family or a target it cannot explore (%j) with one line and exit code 2, before starting anything', async (given, message) => {
    const args = [
      ...(given.target ? ['--scenario', await scenarioFile(given.target, given.adapter)] : []),
      ...(given.faults ? ['--faults', given.faults] : []),
      ...(given.window ? ['--window', given.window] : []),
    ];
    // No admin token in the environment: the triggers-api adapter is refused as a run refuses it.
    const { code, out, err } = await run(args, {});
    expect(code, out + err).toBe(2);
    expect(err).toContain(message);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(out).toBe('');
  });
});

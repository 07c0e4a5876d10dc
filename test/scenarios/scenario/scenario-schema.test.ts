// The scenario format: validation with field paths and file names, durations, loading YAML/JSON/TS,
// and the committed JSON Schema kept in step with the zod schema.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defineScenario } from '../../../scenarios/scenario/define-scenario.js';
import { scenarioJsonSchemaText } from '../../../scenarios/scenario/json-schema.js';
import { loadScenarios } from '../../../scenarios/scenario/load-scenario.js';
import { parseScenario } from '../../../scenarios/scenario/parse-scenario.js';
import { ScenarioError } from '../../../scenarios/scenario/scenario-error.js';

const minimal = { title: 't', load: { rate: 10 }, phases: { baseline: '1s', fault: '2s', recovery: '3s' } };

function errorOf(fn: () => unknown): ScenarioError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ScenarioError) return err;
    throw err;
  }
  throw new Error('expected a ScenarioError');
}

describe('scenario schema', () => {
  it('fills defaults and turns durations into milliseconds', () => {
    const s = parseScenario({ ...minimal, method: [{ at: '1s', for: '500ms', fault: { receiver: { status: 503 } } }] });
    expect(s.phases).toEqual({ baseline: 1_000, fault: 2_000, recovery: 3_000 });
    expect(s.method[0]).toMatchObject({ at: 1_000, for: 500 });
    expect(s.target).toEqual({ kind: 'embedded', mode: 'in-process', workers: 1 });
    expect(s.adapter).toBe('triggers-api');
    expect(s.rollbacks).toEqual([{ heal: 'all' }]);
  });

  it('names the file and the field path of a bad value', () => {
    const err = errorOf(() =>
      parseScenario({ ...minimal, method: [{ at: '1s', for: '1s', fault: { chaos: { point: 'dynamodb', injector: { kind: 'latency', ms: 10 }, probability: 2 } } }] }, 'x.yaml'),
    );
    expect(err.code).toBe('invalid_scenario');
    expect(err.exitCode).toBe(2);
    expect(err.message).toMatch(/^x\.yaml: method\.0\.fault\.chaos\.probability: /);
  });

  it('refuses a fault without an end and a step past the run', () => {
    const noEnd = errorOf(() => parseScenario({ ...minimal, method: [{ at: '1s', fault: { receiver: { status: 503 } } }] }));
    expect(noEnd.issues.map((i) => i.path)).toContain('method.0.for');
    const late = errorOf(() => parseScenario({ ...minimal, method: [{ at: '5s', for: '2s', fault: { receiver: { hang: true } } }] }));
    expect(late.issues.map((i) => i.path)).toContain('method.0.at');
    // A kill's restart is its heal: one planned after the run is refused too, one within it is not.
    const lateRestart = errorOf(() => parseScenario({ ...minimal, method: [{ at: '1s', action: { kill: 'worker', restart_after: '6s' } }] }));
    expect(lateRestart.issues).toEqual([expect.objectContaining({ path: 'method.0.at', message: expect.stringContaining('ends at 7000 ms, after the run') })]);
    expect(parseScenario({ ...minimal, method: [{ at: '1s', action: { kill: 'worker', restart_after: '500ms' } }] }).method).toHaveLength(1);
  });

  it('refuses a load longer than the phases, which no gate would see the end of', () => {
    const total = minimal.phases;
    const long = errorOf(() => parseScenario({ ...minimal, load: { ...minimal.load, duration: '7s' } }));
    expect(long.issues).toEqual([expect.objectContaining({ path: 'load.duration', message: expect.stringContaining('is longer than the three phases') })]);
    // As long as the phases, or shorter (the rest of the run drains), is a load.
    expect(parseScenario({ ...minimal, load: { ...minimal.load, duration: total.baseline } }).load.duration).toBeGreaterThan(0);
  });

  it('refuses a chaos injector its point cannot apply, which the target would refuse mid-run', () => {
    const chaos = (point: string, injector: object) => ({ ...minimal, method: [{ at: '1s', for: '1s', fault: { chaos: { point, injector } } }] });
    const err = errorOf(() => parseScenario(chaos('worker', { kind: 'dynamodb_error', error: 'ThrottlingException' })));
    expect(err.issues).toEqual([{ path: 'method.0.fault.chaos.injector.kind', message: 'dynamodb_error cannot be injected at worker (allowed: pause, hang, crash, clock_skew)' }]);
    expect(parseScenario(chaos('dynamodb', { kind: 'dynamodb_error', error: 'ThrottlingException' })).method[0]?.fault?.chaos?.point).toBe('dynamodb');
  });

  it('refuses a tolerance its metric cannot mean: a share outside 0–1, a time without its unit, a count with one', () => {
    const err = errorOf(() =>
      parseScenario({
        ...minimal,
        steady_state: [
          { name: 'ok', metric: 'success_rate', tolerance: '>= 2' },
          { name: 'p99', metric: 'latency_p99', tolerance: '<= 0.25' },
          { name: 'rate', metric: 'throughput', tolerance: '>= 5s' },
          { name: 'fine', metric: 'delivery_lag_p99', tolerance: '<= 2s' },
        ],
        gates: [
          { phase: 'fault', metric: 'error_rate', tolerance: '<= 5' },
          { recovery_time: '<= 5', probes: ['fine'] },
        ],
      }),
    );
    expect(err.issues).toEqual([
      { path: 'steady_state.0.tolerance', message: 'success_rate is a share from 0 to 1, so ">= 2" can never hold: write e.g. ">= 0.99"' },
      { path: 'steady_state.1.tolerance', message: 'latency_p99 is a time: give the bound its unit, e.g. "<= 250ms" or "<= 2s"' },
      { path: 'steady_state.2.tolerance', message: 'throughput is not a time: write a number, e.g. ">= 10"' },
      { path: 'gates.0.tolerance', message: 'error_rate is a share from 0 to 1, so "<= 5" always holds: write e.g. "<= 0.01"' },
      { path: 'gates.1.recovery_time', message: 'recovery_time is a time: give the bound its unit, e.g. "<= 5s"' },
    ]);
  });

  it('refuses a recovery gate naming a probe that does not exist', () => {
    const err = errorOf(() => parseScenario({ ...minimal, gates: [{ recovery_time: '<= 2s', probes: ['nope'] }] }));
    expect(err.issues[0]?.path).toBe('gates.0.probes.0');
  });

  it('refuses a recovery gate whose bound and hold do not fit between the last heal and the end of the run', () => {
    const probes = [{ name: 'ok', metric: 'success_rate', tolerance: '>= 0.9' }];
    const withGate = (gate: object, method: object[] = [{ at: '1s', for: '1500ms', fault: { receiver: { status: 503 } } }, { at: '1s', action: { kill: 'server', restart_after: '2s' } }]) =>
      ({ ...minimal, steady_state: probes, method, gates: [{ probes: ['ok'], ...gate }] });
    // The last heal is the restart at 3s; the run ends at 6s: a 2s bound and a 1s hold fit exactly.
    expect(parseScenario(withGate({ recovery_time: '<= 2s', hold: '1s' })).gates).toHaveLength(1);
    const err = errorOf(() => parseScenario(withGate({ recovery_time: '<= 2s', hold: '1500ms' })));
    expect(err.issues).toEqual([
      {
        path: 'gates.0.recovery_time',
        message: 'a recovery at the bound (2s) with its 1.5s hold needs until 6.5s (from the last heal at 3s), but the run ends at 6s: make the recovery phase at least 3.5s, or lower the bound or the hold',
      },
    ]);
    // With nothing healed, recovery counts from the recovery phase's start (3s); the default hold is 5s.
    expect(errorOf(() => parseScenario(withGate({ recovery_time: '< 1s' }, []))).issues[0]?.message).toMatch(/needs until 9s \(from the recovery phase's start at 3s, as no fault heals\).*at least 6s/);
    // A lower bound asks for no room: it fails or passes on what was measured.
    expect(parseScenario(withGate({ recovery_time: '>= 1s', hold: '5s' })).gates).toHaveLength(1);
  });

  it('defineScenario validates TypeScript scenarios the same way', () => {
    expect(defineScenario(minimal)).toBe(minimal);
    expect(() => defineScenario({ ...minimal, load: { rate: -1 } })).toThrow(/load\.rate/);
  });

  it('loads YAML, JSON and TypeScript files from a directory, in name order', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aftershock-scenarios-'));
    await writeFile(join(dir, 'a.yaml'), 'title: from yaml\nload: { rate: 5 }\nphases: { baseline: 1s, fault: 1s, recovery: 1s }\n');
    await writeFile(join(dir, 'b.json'), JSON.stringify({ ...minimal, title: 'from json' }));
    const define = join(process.cwd(), 'scenarios/scenario/define-scenario.ts');
    await writeFile(join(dir, 'c.ts'), `import { defineScenario } from '${define}';\nexport default defineScenario(${JSON.stringify({ ...minimal, title: 'from ts' })});\n`);
    await writeFile(join(dir, 'notes.txt'), 'ignored');
    const loaded = await loadScenarios([dir]);
    expect(loaded.map((l) => l.scenario.title)).toEqual(['from yaml', 'from json', 'from ts']);
  });

  it('names the file and line of broken YAML', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aftershock-scenarios-'));
    const file = join(dir, 'bad.yaml');
    await writeFile(file, 'title: x\nload: { rate: 5\n');
    await expect(loadScenarios([file])).rejects.toThrow(new RegExp(`^${file}: not valid YAML`));
  });

  it('keeps the committed JSON Schema in step with the zod schema (npm run scenario-schema)', async () => {
    const committed = await readFile(new URL('../../../scenarios/scenario.schema.json', import.meta.url), 'utf8');
    expect(committed).toBe(scenarioJsonSchemaText());
  });
});

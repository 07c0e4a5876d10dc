// The worker loop fault point: pauses honour the loop's signal, hangs do not, crashes call the
// injected exit, and the skewed clock reads ahead by the configured offset.
import { expect, it } from 'vitest';
import { workerFaultPoint } from '../../../chaos/src/points/worker-point.js';
import { ChaosEngine } from '../../../chaos/src/rules/chaos-engine.js';
import { manualClock } from '../support/manual-clock.js';
import { rejection } from '../support/rejection.js';

it('pauses the loop for the configured time at a matching step', async () => {
  const engine = new ChaosEngine({ enabled: true, rules: [{ id: 'p', point: 'worker', match: { loop: 'delivery', step: 'before_send' }, injector: { kind: 'pause', ms: 120 } }] });
  const faults = workerFaultPoint(engine);
  expect(await faults.step({ loop: 'delivery', step: 'after_send' })).toBeNull();
  const started = performance.now();
  expect((await faults.step({ loop: 'delivery', step: 'before_send' }))?.kind).toBe('pause');
  expect(performance.now() - started).toBeGreaterThanOrEqual(115);
});

it('cuts a pause short when the loop is stopped', async () => {
  const engine = new ChaosEngine({ enabled: true, rules: [{ id: 'p', point: 'worker', injector: { kind: 'pause', ms: 20_000 } }] });
  const started = performance.now();
  const error = await rejection(workerFaultPoint(engine).step({ loop: 'delivery' }, { signal: AbortSignal.timeout(100) }));
  expect(error.name).toMatch(/AbortError|TimeoutError/);
  expect(performance.now() - started).toBeLessThan(5_000);
});

it('hangs past the signal, as a worker stuck beyond its lease does', async () => {
  const engine = new ChaosEngine({ enabled: true, rules: [{ id: 'h', point: 'worker', injector: { kind: 'hang', ms: 250 } }] });
  const started = performance.now();
  const injection = await workerFaultPoint(engine).step({ loop: 'delivery' }, { signal: AbortSignal.timeout(50) });
  expect(injection?.kind).toBe('hang');
  expect(performance.now() - started).toBeGreaterThanOrEqual(245);
});

it('crashes through the injected exit with the configured code', async () => {
  const exits: number[] = [];
  const engine = new ChaosEngine({ enabled: true, rules: [{ id: 'c', point: 'worker', max_count: 1, injector: { kind: 'crash', exit_code: 137 } }] });
  const faults = workerFaultPoint(engine, { exit: (code) => void exits.push(code) });
  await faults.step({ loop: 'delivery' });
  await faults.step({ loop: 'delivery' });
  expect(exits).toEqual([137]);
});

it('skews the loop clock from the step that draws the skew until the rule ends', async () => {
  const clock = manualClock(1_000_000);
  const engine = new ChaosEngine({ enabled: true, clock, rules: [{ id: 's', point: 'worker', match: { loop: 'delivery' }, injector: { kind: 'clock_skew', offset_ms: 45_000 }, duration: 1000 }] });
  const faults = workerFaultPoint(engine);
  const skewed = faults.clock(clock, { loop: 'delivery' });
  const other = faults.clock(clock, { loop: 'sweeper' });
  expect(skewed.now()).toBe(1_000_000);
  await faults.step({ loop: 'delivery' });
  await faults.step({ loop: 'sweeper' });
  expect(skewed.now()).toBe(1_045_000);
  expect(skewed.now()).toBe(1_045_000);
  expect(other.now()).toBe(1_000_000);
  expect(engine.log.entries().map((e) => e.kind)).toEqual(['clock_skew']);
  clock.advance(1000);
  await faults.step({ loop: 'delivery' });
  expect(skewed.now()).toBe(1_001_000);
});

it('applies a skew and a pause drawn at the same step', async () => {
  const engine = new ChaosEngine({
    enabled: true,
    rules: [
      { id: 'skew', point: 'worker', injector: { kind: 'clock_skew', offset_ms: -5000 } },
      { id: 'pause', point: 'worker', injector: { kind: 'pause', ms: 1 } },
    ],
  });
  const faults = workerFaultPoint(engine);
  const clock = faults.clock({ now: () => 10_000 }, { loop: 'delivery' });
  expect((await faults.step({ loop: 'delivery' }))?.rule).toBe('pause');
  expect(clock.now()).toBe(5_000);
});

it('does nothing when disabled', async () => {
  const exits: number[] = [];
  const engine = new ChaosEngine({ rules: [{ id: 'c', point: 'worker', injector: { kind: 'crash' } }] });
  expect(await workerFaultPoint(engine, { exit: (code) => void exits.push(code) }).step({ loop: 'x' })).toBeNull();
  expect(exits).toEqual([]);
});

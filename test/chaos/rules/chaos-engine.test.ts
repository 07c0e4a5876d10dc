// The engine's decisions over time with an injected clock: rules start late, expire, exhaust,
// heal, and log their recovery; a disabled engine or an untargeted point decides nothing.
import { expect, it } from 'vitest';
import { ChaosEngine } from '../../../chaos/src/rules/chaos-engine.js';
import { captureLogger } from '../support/capture-logger.js';
import { manualClock } from '../support/manual-clock.js';
import { waitFor } from '../../support/wait-for.js';

const pause = { kind: 'pause', ms: 1 } as const;

it('decides nothing while disabled, then injects once enabled', () => {
  const engine = new ChaosEngine({ rules: [{ id: 'p', point: 'worker', injector: pause }] });
  expect(engine.decide('worker', { loop: 'l' })).toBeNull();
  engine.enabled = true;
  expect(engine.decide('worker', { loop: 'l' })?.rule).toBe('p');
});

it('decides nothing at a point no rule targets', () => {
  const engine = new ChaosEngine({ enabled: true, rules: [{ id: 'p', point: 'worker', injector: pause }] });
  expect(engine.decide('dynamodb', { operation: 'PutItem' })).toBeNull();
});

it('waits start_after before a rule applies and stops after its duration', () => {
  const clock = manualClock();
  const engine = new ChaosEngine({ enabled: true, clock, rules: [{ id: 'w', point: 'worker', injector: pause, start_after: 1000, duration: 500 }] });
  expect(engine.decide('worker', {})).toBeNull();
  expect(engine.listRules()[0]?.state).toBe('pending');
  clock.advance(1000);
  expect(engine.decide('worker', {})?.rule).toBe('w');
  clock.advance(499);
  expect(engine.decide('worker', {})).not.toBeNull();
  clock.advance(1);
  expect(engine.decide('worker', {})).toBeNull();
  expect(engine.listRules()).toEqual([]);
});

it('gives rules without a duration the default lifetime, and none with duration null', () => {
  const clock = manualClock();
  const engine = new ChaosEngine({
    enabled: true,
    clock,
    defaultDurationMs: 10_000,
    rules: [
      { id: 'bounded', point: 'worker', injector: pause, match: { loop: 'a' } },
      { id: 'forever', point: 'worker', injector: pause, match: { loop: 'b' }, duration: null },
    ],
  });
  clock.advance(10_000);
  expect(engine.decide('worker', { loop: 'a' })).toBeNull();
  expect(engine.decide('worker', { loop: 'b' })?.rule).toBe('forever');
  expect(engine.listRules().map((r) => [r.id, r.ends_at])).toEqual([['forever', null]]);
});

it('ends a rule after max_count injections', () => {
  const engine = new ChaosEngine({ enabled: true, rules: [{ id: 'twice', point: 'worker', injector: pause, max_count: 2 }] });
  const fired = Array.from({ length: 5 }, () => engine.decide('worker', {})).filter((d) => d !== null);
  expect(fired).toHaveLength(2);
  expect(engine.listRules()).toEqual([]);
});

it('injects at roughly the configured probability', () => {
  const engine = new ChaosEngine({ enabled: true, seed: 'p', rules: [{ id: 'p30', point: 'worker', injector: pause, probability: 0.3, duration: null }] });
  const fired = Array.from({ length: 2000 }, () => engine.decide('worker', {})).filter((d) => d !== null).length;
  expect(fired).toBeGreaterThan(500);
  expect(fired).toBeLessThan(700);
});

it('tries rules in install order and applies only the first that fires', () => {
  const engine = new ChaosEngine({
    enabled: true,
    rules: [
      { id: 'first', point: 'worker', injector: pause },
      { id: 'second', point: 'worker', injector: { kind: 'hang', ms: 1 } },
    ],
  });
  expect(engine.decide('worker', {})?.rule).toBe('first');
  engine.removeRule('first');
  expect(engine.decide('worker', {})?.rule).toBe('second');
});

it('heals every rule at once and logs a recovery line for each', () => {
  const logger = captureLogger();
  const engine = new ChaosEngine({
    enabled: true,
    logger,
    rules: [
      { id: 'a', point: 'worker', injector: pause },
      { id: 'b', point: 'dynamodb', injector: { kind: 'latency', ms: 1 } },
    ],
  });
  expect(engine.heal()).toBe(2);
  expect(engine.decide('worker', {})).toBeNull();
  const recoveries = logger.lines.filter((l) => (l.fields.chaos as { event: string }).event === 'recovery');
  expect(recoveries.map((l) => (l.fields.chaos as { rule: string; reason: string }).reason)).toEqual(['healed', 'healed']);
});

it('logs an expired rule recovery with the instant it expired', () => {
  const clock = manualClock(0);
  const logger = captureLogger();
  const engine = new ChaosEngine({ enabled: true, clock, logger, rules: [{ id: 'x', point: 'worker', injector: pause, duration: 100 }] });
  clock.advance(5_000);
  engine.sweep();
  expect(logger.lines).toEqual([
    expect.objectContaining({ level: 'info', fields: { chaos: expect.objectContaining({ event: 'recovery', rule: 'x', reason: 'expired', ended_at: new Date(100).toISOString() }) } }),
  ]);
});

it('logs the recovery of an expiring rule on time, without any call at its point', async () => {
  const logger = captureLogger();
  new ChaosEngine({ enabled: true, logger, rules: [{ id: 'brief', point: 'worker', injector: pause, duration: 100 }] });
  await waitFor(() => logger.lines.some((l) => (l.fields.chaos as { event: string }).event === 'recovery'), { timeoutMs: 3000 });
  expect(logger.lines.map((l) => l.fields.chaos)).toEqual([expect.objectContaining({ event: 'recovery', rule: 'brief', reason: 'expired' })]);
});

it('writes one warn line per injection carrying the request id', () => {
  const logger = captureLogger();
  const engine = new ChaosEngine({ enabled: true, logger, rules: [{ id: 'x', point: 'worker', injector: pause }] });
  engine.decide('worker', {}, { requestId: 'req-123' });
  expect(logger.lines).toEqual([
    expect.objectContaining({ level: 'warn', fields: expect.objectContaining({ request_id: 'req-123', chaos: expect.objectContaining({ event: 'injection', rule: 'x', injector: 'pause' }) }) }),
  ]);
  expect(engine.log.entries()[0]?.request_id).toBe('req-123');
});

it('replaces a rule with the same id and restarts its count', () => {
  const engine = new ChaosEngine({ enabled: true, rules: [{ id: 'x', point: 'worker', injector: pause, max_count: 1 }] });
  engine.decide('worker', {});
  engine.upsertRules([{ id: 'x', point: 'worker', injector: pause, max_count: 3 }]);
  expect(engine.listRules()).toEqual([expect.objectContaining({ id: 'x', count: 0, max_count: 3 })]);
});

it('keeps the old rule set when a replacement set is invalid', () => {
  const engine = new ChaosEngine({ enabled: true, rules: [{ id: 'keep', point: 'worker', injector: pause }] });
  expect(() => engine.replaceRules([{ id: 'bad', point: 'worker', injector: { kind: 'pause', ms: -1 } }])).toThrow(/injector.ms/);
  expect(engine.listRules().map((r) => r.id)).toEqual(['keep']);
});

it('considers only the requested injector kinds when asked', () => {
  const engine = new ChaosEngine({ enabled: true, rules: [{ id: 'p', point: 'worker', injector: pause }] });
  expect(engine.decide('worker', {}, { kinds: new Set(['crash']) })).toBeNull();
  expect(engine.decide('worker', {}, { kinds: new Set(['pause']) })?.rule).toBe('p');
});

it('throws not_found when removing an unknown rule', () => {
  expect(() => new ChaosEngine().removeRule('ghost')).toThrow(expect.objectContaining({ code: 'not_found', status: 404 }));
});

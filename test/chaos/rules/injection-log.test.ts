// The injection log keeps the newest entries in order and evicts the oldest when full.
import { expect, it } from 'vitest';
import { InjectionLog, type Injection } from '../../../chaos/src/rules/injection-log.js';

const entry = (seq: number): Injection => ({ seq, at: seq, rule: 'r', point: 'worker', kind: 'pause', injector: { kind: 'pause', ms: 1 }, detail: {} });

it('keeps entries oldest first until full', () => {
  const log = new InjectionLog(3);
  [1, 2].forEach((s) => log.push(entry(s)));
  expect(log.entries().map((e) => e.seq)).toEqual([1, 2]);
});

it('evicts the oldest entries once full, keeping order', () => {
  const log = new InjectionLog(3);
  [1, 2, 3, 4, 5].forEach((s) => log.push(entry(s)));
  expect(log.entries().map((e) => e.seq)).toEqual([3, 4, 5]);
  expect(log.entries(2).map((e) => e.seq)).toEqual([4, 5]);
});

it('empties on clear and rejects a non-positive capacity', () => {
  const log = new InjectionLog(2);
  log.push(entry(1));
  log.clear();
  expect(log.entries()).toEqual([]);
  expect(() => new InjectionLog(0)).toThrow(RangeError);
});

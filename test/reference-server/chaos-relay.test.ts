// Relayed chaos messages reach a worker process's engine: rules are added, removed and healed, a
// bad rule or a missing one is reported rather than thrown, and other messages are left alone.
import { expect, it } from 'vitest';
import { ChaosEngine } from '../../chaos/src/index.js';
import { applyChaosMessage } from '../../reference-server/src/chaos-relay.js';

const crash = { id: 'crash-1', point: 'worker', match: { loop: 'delivery' }, injector: { kind: 'crash' }, duration: 1000 };

it('adds, removes and heals rules from relayed messages', () => {
  const engine = new ChaosEngine({ enabled: true, seed: 1 });
  const errors: unknown[] = [];
  const onError = (err: unknown) => errors.push(err);
  expect(applyChaosMessage(engine, { type: 'chaos', action: 'upsert', rules: [crash] }, onError)).toBe(true);
  expect(engine.listRules().map((r) => r.id)).toEqual(['crash-1']);
  applyChaosMessage(engine, { type: 'chaos', action: 'remove', id: 'crash-1' }, onError);
  expect(engine.activeRuleCount()).toBe(0);
  applyChaosMessage(engine, { type: 'chaos', action: 'upsert', rules: [crash, { ...crash, id: 'crash-2' }] }, onError);
  applyChaosMessage(engine, { type: 'chaos', action: 'heal' }, onError);
  expect(engine.activeRuleCount()).toBe(0);
  expect(errors).toEqual([]);
});

it('reports a refused rule or a missing one, and ignores messages that are not chaos', () => {
  const engine = new ChaosEngine({ enabled: true, seed: 1 });
  const errors: unknown[] = [];
  applyChaosMessage(engine, { type: 'chaos', action: 'upsert', rules: [{ ...crash, point: 'nowhere' }] }, (e) => errors.push(e));
  applyChaosMessage(engine, { type: 'chaos', action: 'remove', id: 'absent' }, (e) => errors.push(e));
  expect(errors).toHaveLength(2);
  expect(engine.activeRuleCount()).toBe(0);
  expect(applyChaosMessage(engine, { type: 'ready', url: 'x' }, () => undefined)).toBe(false);
});

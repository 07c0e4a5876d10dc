// Metrics on an injected registry: injections counted by point, injector and rule; the active rules
// gauge follows rules starting and ending.
import { Registry } from 'prom-client';
import { expect, it } from 'vitest';
import { ChaosEngine } from '../../../chaos/src/rules/chaos-engine.js';
import { manualClock } from '../support/manual-clock.js';

async function value(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
  const entry = (metric?.values as { value: number; labels: Record<string, string | number> }[] | undefined)?.find((v) =>
    Object.entries(labels).every(([k, l]) => v.labels[k] === l),
  );
  return entry?.value;
}

it('counts each injection with point, injector and rule labels', async () => {
  const registry = new Registry();
  const engine = new ChaosEngine({ enabled: true, registry, rules: [{ id: 'p', point: 'worker', injector: { kind: 'pause', ms: 1 } }] });
  engine.decide('worker', {});
  engine.decide('worker', {});
  expect(await value(registry, 'chaos_injections_total', { point: 'worker', injector: 'pause', rule: 'p' })).toBe(2);
});

it('reports active rules at scrape time, excluding pending and ended ones', async () => {
  const registry = new Registry();
  const clock = manualClock();
  const engine = new ChaosEngine({
    enabled: true,
    registry,
    clock,
    rules: [
      { id: 'now', point: 'worker', injector: { kind: 'pause', ms: 1 }, duration: 1000 },
      { id: 'later', point: 'worker', injector: { kind: 'pause', ms: 1 }, start_after: 500, duration: 10_000 },
    ],
  });
  expect(await value(registry, 'chaos_active_rules')).toBe(1);
  clock.advance(600);
  expect(await value(registry, 'chaos_active_rules')).toBe(2);
  clock.advance(1000);
  expect(await value(registry, 'chaos_active_rules')).toBe(1);
  expect(await value(registry, 'chaos_rules_ended_total', { reason: 'expired' })).toBe(1);
  engine.heal();
  expect(await value(registry, 'chaos_active_rules')).toBe(0);
});

it('exposes the metrics in Prometheus text format', async () => {
  const registry = new Registry();
  const engine = new ChaosEngine({ enabled: true, registry, rules: [{ id: 'e', point: 'dynamodb', injector: { kind: 'dynamodb_error', error: 'ThrottlingException' } }] });
  engine.decide('dynamodb', { operation: 'PutItem' });
  expect(await registry.metrics()).toContain('chaos_injections_total{point="dynamodb",injector="dynamodb_error",rule="e"} 1');
});

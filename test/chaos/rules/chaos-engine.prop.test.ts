// Property: for any rule set and any call sequence, a second engine with the same seed makes exactly
// the same decisions (same rules, same drawn values, same order). Prints its seed; replay a failure
// with `FC_SEED=<seed> npx vitest run test/chaos/rules/chaos-engine.prop.test.ts`.
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { ChaosEngine } from '../../../chaos/src/rules/chaos-engine.js';
import type { CallAttributes } from '../../../chaos/src/rules/match-pattern.js';
import type { ChaosPoint } from '../../../chaos/src/rules/injector-schema.js';
import type { RuleInput } from '../../../chaos/src/rules/rule-schema.js';
import { manualClock } from '../support/manual-clock.js';

const seed = Number(process.env.FC_SEED ?? Date.now() % 2 ** 31);
console.log(`chaos-engine.prop: fast-check seed ${seed} (replay with FC_SEED=${seed})`);

const operations = ['PutItem', 'GetItem', 'BatchWriteItem'];
const injectors = fc.constantFrom<[ChaosPoint, RuleInput['injector']]>(
  ['dynamodb', { kind: 'latency', min_ms: 0, max_ms: 500 }],
  ['dynamodb', { kind: 'latency', mean_ms: 100, jitter_ms: 30 }],
  ['dynamodb', { kind: 'dynamodb_error', error: 'ThrottlingException' }],
  ['dynamodb', { kind: 'partial_batch', fraction: 0.5 }],
  ['dynamodb', { kind: 'partial_failure', phase: 'either' }],
  ['dynamodb', { kind: 'throttle', ops_per_second: 2 }],
  ['http_out', { kind: 'http_error', status: 503 }],
  ['worker', { kind: 'pause', ms: 10 }],
);

const ruleArb = fc.record({
  injector: injectors,
  probability: fc.double({ min: 0, max: 1, noNaN: true }),
  start_after: fc.integer({ min: 0, max: 2000 }),
  duration: fc.option(fc.integer({ min: 1, max: 5000 }), { nil: undefined }),
  max_count: fc.option(fc.integer({ min: 1, max: 20 }), { nil: undefined }),
  operation: fc.option(fc.constantFrom(...operations), { nil: undefined }),
});

const callArb = fc.record({
  point: fc.constantFrom<ChaosPoint>('dynamodb', 'http_out', 'worker'),
  operation: fc.constantFrom(...operations),
  advance: fc.integer({ min: 0, max: 300 }),
});

it('replays identical decisions from the same seed for any rules and calls', () => {
  fc.assert(
    fc.property(fc.array(ruleArb, { maxLength: 6 }), fc.array(callArb, { maxLength: 150 }), fc.string(), (specs, calls, runSeed) => {
      const rules = specs.map((s, i): RuleInput => ({
        id: `r${i}`,
        point: s.injector[0],
        injector: s.injector[1],
        probability: s.probability,
        start_after: s.start_after,
        duration: s.duration,
        max_count: s.max_count,
        match: s.operation === undefined || s.injector[0] !== 'dynamodb' ? {} : { operation: s.operation },
      }));
      const play = () => {
        const clock = manualClock(0);
        const engine = new ChaosEngine({ enabled: true, seed: runSeed, clock, rules });
        return calls.map((call) => {
          clock.advance(call.advance);
          const attributes: CallAttributes = { operation: call.operation, host: 'receiver:80', loop: 'delivery' };
          const d = engine.decide(call.point, attributes);
          return d === null ? null : [d.rule, d.kind, d.detail];
        });
      };
      expect(play()).toEqual(play());
    }),
    { seed, numRuns: 200 },
  );
});

it('never injects before start_after, after duration, beyond max_count, or at another point', () => {
  fc.assert(
    fc.property(fc.array(ruleArb, { minLength: 1, maxLength: 6 }), fc.array(callArb, { maxLength: 150 }), fc.string(), (specs, calls, runSeed) => {
      const rules = specs.map((s, i): RuleInput => ({
        id: `r${i}`,
        point: s.injector[0],
        injector: s.injector[1],
        probability: s.probability,
        start_after: s.start_after,
        duration: s.duration,
        max_count: s.max_count,
      }));
      const clock = manualClock(0);
      const engine = new ChaosEngine({ enabled: true, seed: runSeed, clock, rules, defaultDurationMs: 3000 });
      for (const call of calls) {
        clock.advance(call.advance);
        engine.decide(call.point, { operation: call.operation });
      }
      const counts = new Map<string, number>();
      for (const entry of engine.log.entries()) {
        const spec = specs[Number(entry.rule.slice(1))];
        if (spec === undefined) throw new Error(`unknown rule ${entry.rule}`);
        const end = spec.start_after + (spec.duration ?? 3000);
        expect(entry.point).toBe(spec.injector[0]);
        expect(entry.at).toBeGreaterThanOrEqual(spec.start_after);
        expect(entry.at).toBeLessThan(end);
        counts.set(entry.rule, (counts.get(entry.rule) ?? 0) + 1);
        expect(counts.get(entry.rule)).toBeLessThanOrEqual(spec.max_count ?? Infinity);
      }
    }),
    { seed, numRuns: 200 },
  );
});

// Environment parsing: shorthands become rules, JSON and files add more, bad values name the variable.
import { expect, it } from 'vitest';
import { ChaosError } from '../../../chaos/src/chaos-error.js';
import { parseChaosConfig } from '../../../chaos/src/config/chaos-config.js';

const fixedSeed = { randomSeed: () => 'generated' };

function failure(fn: () => unknown): ChaosError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ChaosError) return error;
    throw error;
  }
  throw new Error('expected a ChaosError');
}

it('is disabled with no rules and a generated seed by default', () => {
  expect(parseChaosConfig({}, fixedSeed)).toEqual({ enabled: false, seed: 'generated', rules: [] });
});

it('reads CHAOS_ENABLED and CHAOS_SEED', () => {
  expect(parseChaosConfig({ CHAOS_ENABLED: 'true', CHAOS_SEED: '42' })).toMatchObject({ enabled: true, seed: '42' });
  expect(parseChaosConfig({ CHAOS_ENABLED: '0' }, fixedSeed).enabled).toBe(false);
  expect(failure(() => parseChaosConfig({ CHAOS_ENABLED: 'maybe' })).details[0]?.path).toBe('CHAOS_ENABLED');
});

it('turns CHAOS_LATENCY_MS ranges and fixed values into DynamoDB latency rules', () => {
  expect(parseChaosConfig({ CHAOS_LATENCY_MS: '100-500' }, fixedSeed).rules).toEqual([
    expect.objectContaining({ id: 'env-latency', point: 'dynamodb', probability: 1, duration: null, injector: { kind: 'latency', min_ms: 100, max_ms: 500 } }),
  ]);
  expect(parseChaosConfig({ CHAOS_LATENCY_MS: '250:0.5' }, fixedSeed).rules[0]).toMatchObject({ probability: 0.5, injector: { kind: 'latency', ms: 250 } });
});

it('turns CHAOS_DYNAMODB_ERROR into one error rule per entry', () => {
  const { rules } = parseChaosConfig({ CHAOS_DYNAMODB_ERROR: 'ThrottlingException:0.1, InternalServerError:0.02' }, fixedSeed);
  expect(rules.map((r) => [r.injector, r.probability])).toEqual([
    [{ kind: 'dynamodb_error', error: 'ThrottlingException' }, 0.1],
    [{ kind: 'dynamodb_error', error: 'InternalServerError' }, 0.02],
  ]);
});

it('names the variable when a shorthand is malformed', () => {
  expect(failure(() => parseChaosConfig({ CHAOS_DYNAMODB_ERROR: 'Meltdown:0.1' })).details[0]?.path).toBe('CHAOS_DYNAMODB_ERROR');
  expect(failure(() => parseChaosConfig({ CHAOS_LATENCY_MS: 'fast' })).details[0]?.path).toBe('CHAOS_LATENCY_MS');
  expect(failure(() => parseChaosConfig({ CHAOS_PARTIAL_FAILURE: '5%' })).details[0]?.path).toBe('CHAOS_PARTIAL_FAILURE');
});

it('turns CHAOS_TIMEOUT_MS and CHAOS_PARTIAL_FAILURE into rules', () => {
  const { rules } = parseChaosConfig({ CHAOS_TIMEOUT_MS: '3000:0.2', CHAOS_PARTIAL_FAILURE: '0.05' }, fixedSeed);
  expect(rules.map((r) => [r.id, r.injector.kind, r.probability])).toEqual([
    ['env-timeout', 'timeout', 0.2],
    ['env-partial-failure', 'partial_failure', 0.05],
  ]);
});

it('reads CHAOS_RULES as JSON, naming the failing field under CHAOS_RULES', () => {
  const rules = [{ id: 'r', point: 'http_in', match: { route: '/v1/*' }, injector: { kind: 'http_error', status: 503 } }];
  expect(parseChaosConfig({ CHAOS_RULES: JSON.stringify({ rules }) }, fixedSeed).rules[0]).toMatchObject({ id: 'r', point: 'http_in' });
  const bad = failure(() => parseChaosConfig({ CHAOS_RULES: JSON.stringify([{ ...rules[0], probability: 2 }]) }));
  expect(bad.details[0]?.path).toBe('CHAOS_RULES.0.probability');
  expect(failure(() => parseChaosConfig({ CHAOS_RULES: '{nope' })).details[0]?.path).toBe('CHAOS_RULES');
});

it('reads the rules file CHAOS_RULES_FILE names', () => {
  const files: Record<string, string> = { '/etc/chaos.json': JSON.stringify([{ id: 'f', point: 'worker', injector: { kind: 'pause', ms: 5 } }]) };
  const config = parseChaosConfig({ CHAOS_RULES_FILE: '/etc/chaos.json' }, { ...fixedSeed, readFile: (p) => files[p] ?? '' });
  expect(config.rules.map((r) => r.id)).toEqual(['f']);
  const missing = failure(() => parseChaosConfig({ CHAOS_RULES_FILE: '/nope' }, { readFile: () => { throw new Error('ENOENT'); } }));
  expect(missing.details[0]?.path).toBe('CHAOS_RULES_FILE');
});

it('rejects the same rule id coming from two sources', () => {
  const rule = JSON.stringify([{ id: 'env-latency', point: 'worker', injector: { kind: 'pause', ms: 5 } }]);
  expect(failure(() => parseChaosConfig({ CHAOS_LATENCY_MS: '5', CHAOS_RULES: rule })).message).toMatch(/duplicate rule id env-latency/);
});

it('returns a frozen config', () => {
  const config = parseChaosConfig({ CHAOS_LATENCY_MS: '5' }, fixedSeed);
  expect(Object.isFrozen(config)).toBe(true);
  expect(Object.isFrozen(config.rules)).toBe(true);
});

// Rule validation: defaults are filled in, and every invalid field is named by its path.
import { expect, it } from 'vitest';
import { ChaosError } from '../../../chaos/src/chaos-error.js';
import { parseRules } from '../../../chaos/src/rules/rule-schema.js';

function detailsOf(input: unknown): { path: string; message: string }[] {
  try {
    parseRules(input);
  } catch (error) {
    if (error instanceof ChaosError) return [...error.details];
    throw error;
  }
  throw new Error('expected a validation error');
}

it('fills in defaults: probability 1, start_after 0, empty match', () => {
  const [rule] = parseRules([{ id: 'a', point: 'dynamodb', injector: { kind: 'dynamodb_error', error: 'ThrottlingException' } }]);
  expect(rule).toMatchObject({ probability: 1, start_after: 0, match: {} });
  expect(rule?.duration).toBeUndefined();
});

it('names the path of an out-of-range probability', () => {
  expect(detailsOf([{ id: 'a', point: 'dynamodb', probability: 1.5, injector: { kind: 'latency', ms: 5 } }]).map((d) => d.path)).toEqual(['0.probability']);
});

it('names the injector field that is wrong', () => {
  const details = detailsOf([{ id: 'a', point: 'dynamodb', injector: { kind: 'dynamodb_error', error: 'Nope' } }]);
  expect(details[0]?.path).toBe('0.injector.error');
});

it('rejects an unknown injector kind at injector.kind', () => {
  expect(detailsOf([{ id: 'a', point: 'dynamodb', injector: { kind: 'meteor' } }])[0]?.path).toBe('0.injector.kind');
});

it('rejects an injector that makes no sense at the point', () => {
  const details = detailsOf([{ id: 'a', point: 'http_in', injector: { kind: 'partial_batch' } }]);
  expect(details).toEqual([{ path: '0.injector.kind', message: expect.stringContaining('cannot be injected at http_in') }]);
});

it('rejects unknown fields rather than ignoring a typo', () => {
  expect(detailsOf([{ id: 'a', point: 'dynamodb', probabilty: 0.5, injector: { kind: 'latency', ms: 5 } }])[0]?.path).toBe('0');
});

it('requires exactly one latency form and a sensible range', () => {
  expect(detailsOf([{ id: 'a', point: 'dynamodb', injector: { kind: 'latency', ms: 5, min_ms: 1, max_ms: 2 } }])[0]?.path).toBe('0.injector.ms');
  expect(detailsOf([{ id: 'a', point: 'dynamodb', injector: { kind: 'latency', min_ms: 500, max_ms: 100 } }])[0]?.path).toBe('0.injector.max_ms');
});

it('rejects duplicate ids in one batch', () => {
  const rule = { id: 'twice', point: 'worker', injector: { kind: 'pause', ms: 1 } };
  expect(detailsOf([rule, rule])).toEqual([{ path: '1.id', message: 'duplicate of rule 0' }]);
});

it('reports a validation error with status 400', () => {
  try {
    parseRules('not a list');
    expect.unreachable();
  } catch (error) {
    expect(error).toBeInstanceOf(ChaosError);
    expect((error as ChaosError).status).toBe(400);
    expect((error as ChaosError).code).toBe('validation_error');
  }
});

// Match blocks: exact names, globs, path params, lists, and AND across keys.
import { expect, it } from 'vitest';
import { compileMatch } from '../../../chaos/src/rules/match-pattern.js';

it('matches every call when the block is empty', () => {
  expect(compileMatch({})({ operation: 'PutItem' })).toBe(true);
});

it('matches exact names and globs', () => {
  const m = compileMatch({ operation: ['PutItem', 'Batch*'], table: 'triggers-api-*' });
  expect(m({ operation: 'PutItem', table: 'triggers-api-events' })).toBe(true);
  expect(m({ operation: 'BatchWriteItem', table: 'triggers-api-events' })).toBe(true);
  expect(m({ operation: 'GetItem', table: 'triggers-api-events' })).toBe(false);
  expect(m({ operation: 'PutItem', table: 'other' })).toBe(false);
});

it('matches any table of a multi-table call', () => {
  expect(compileMatch({ table: 'b' })({ table: ['a', 'b'] })).toBe(true);
  expect(compileMatch({ table: 'c' })({ table: ['a', 'b'] })).toBe(false);
});

it('matches one path segment per route param and not more', () => {
  const m = compileMatch({ method: 'POST', route: '/v1/events/:id/ack' });
  expect(m({ method: 'POST', route: '/v1/events/evt_1/ack' })).toBe(true);
  expect(m({ method: 'POST', route: '/v1/events/a/b/ack' })).toBe(false);
  expect(m({ method: 'GET', route: '/v1/events/evt_1/ack' })).toBe(false);
});

it('does not match when the point does not report the attribute', () => {
  expect(compileMatch({ host: 'x' })({ operation: 'PutItem' })).toBe(false);
});

it('treats regex characters in patterns literally', () => {
  expect(compileMatch({ host: '127.0.0.1:*' })({ host: '127.0.0.1:8080' })).toBe(true);
  expect(compileMatch({ host: '127.0.0.1:*' })({ host: '127x0x0x1:8080' })).toBe(false);
});

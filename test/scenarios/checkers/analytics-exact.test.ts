import { describe, expect, it } from 'vitest';
import { analyticsExact } from '../../../scenarios/checkers/analytics-exact.js';
import { create, final, history, readable } from './histories.js';

const base = history(
  create(0, 100, 'ok', { event_id: 'e1', key: 'order-1' }),
  create(1, 110, 'ok', { event_id: 'e2', event_type: 'user.created', source: 'crm' }),
  create(2, 120, 'info', { key: 'landed' }),
  create(3, 130, 'info', { key: 'vanished' }),
  create(6, 135, 'info', { key: 'listed-but-unreadable' }),
  create(4, 140, 'fail', { key: 'refused' }),
  create(5, 150, 'ok', { event_id: 'e1', key: 'order-1' }), // an idempotent repeat of e1: counted once
);
const events = {
  e1: readable(),
  e2: readable(undefined, { event_type: 'user.created', source: 'crm' }),
  e3: readable('landed'),
  e4: readable('listed-but-unreadable', { readable: false }),
};

describe('analytics_exact', () => {
  it('holds when the summary counts the ok creates plus the info ones that turned out readable, once each', () => {
    const analytics = { total: 3, by_type: { 'order.created': 2, 'user.created': 1 }, by_source: { shop: 2, crm: 1 } };
    expect(analyticsExact(history(base, final(events, { analytics })))).toEqual({
      name: 'analytics_exact',
      valid: true,
      counts: { expected_total: 3, seen_total: 3, info_counted: 1, mismatched_types: 0, mismatched_sources: 0 },
      examples: [],
    });
  });

  it('fails on a summary that missed an event, naming the total and the key that differ', () => {
    const analytics = { total: 2, by_type: { 'order.created': 1, 'user.created': 1 }, by_source: { shop: 1, crm: 1 } };
    const result = analyticsExact(history(base, final(events, { analytics })));
    expect(result).toMatchObject({ valid: false, counts: { expected_total: 3, seen_total: 2, mismatched_types: 1, mismatched_sources: 1 } });
    expect(result.examples).toEqual([
      { expected: 'total 3', seen: 'total 2' },
      { expected: 'event_type order.created: 2', seen: 'event_type order.created: 1' },
      { expected: 'source shop: 2', seen: 'source shop: 1' },
    ]);
  });

  it('counts names that are members of Object.prototype like any other', () => {
    const odd = history(create(0, 100, 'ok', { event_id: 'e1', event_type: 'valueOf', source: 'constructor' }), create(1, 110, 'ok', { event_id: 'e2', event_type: 'toString', source: 'shop' }));
    const oddEvents = { e1: readable(undefined, { event_type: 'valueOf', source: 'constructor' }), e2: readable(undefined, { event_type: 'toString', source: 'shop' }) };
    const right = { total: 2, by_type: { valueOf: 1, toString: 1 }, by_source: { constructor: 1, shop: 1 } };
    expect(analyticsExact(history(odd, final(oddEvents, { analytics: right })))).toMatchObject({ valid: true, counts: { mismatched_types: 0, mismatched_sources: 0 } });
    const wrong = { total: 2, by_type: { toString: 1 }, by_source: { shop: 1 } };
    expect(analyticsExact(history(odd, final(oddEvents, { analytics: wrong }))).examples).toEqual([
      { expected: 'event_type valueOf: 1', seen: 'event_type valueOf: 0' },
      { expected: 'source constructor: 1', seen: 'source constructor: 0' },
    ]);
  });

  it('fails on a summary that counted an event twice', () => {
    const analytics = { total: 4, by_type: { 'order.created': 3, 'user.created': 1 }, by_source: { shop: 3, crm: 1 } };
    expect(analyticsExact(history(base, final(events, { analytics })))).toMatchObject({ valid: false, counts: { seen_total: 4 } });
  });

  it('counts two acknowledged creates of different keys twice, though their answers named one event', () => {
    const h = history(create(0, 100, 'ok', { event_id: 'e1', key: 'a' }), create(1, 150, 'ok', { event_id: 'e1', key: 'b' }));
    const analytics = { total: 1, by_type: { 'order.created': 1 }, by_source: { shop: 1 } };
    expect(analyticsExact(history(h, final({ e1: readable('a') }, { analytics })))).toMatchObject({ valid: false, counts: { expected_total: 2, seen_total: 1 } });
  });

  it('fails when no summary was read back', () => {
    expect(analyticsExact(history(base, final(events)))).toMatchObject({ valid: false, counts: { no_analytics: 1 } });
  });
});

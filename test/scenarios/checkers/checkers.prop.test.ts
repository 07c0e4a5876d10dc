import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHECKER_NAMES, runCheckers } from '../../../scenarios/checkers/registry.js';
import type { FinalEvent, HistoryRecord } from '../../../scenarios/history/history.js';
import { propertyParams } from '../../support/property-seed.js';
import { create, final, receipt } from './histories.js';

/**
 * Random but well-formed histories: each process runs creates one after another (times strictly
 * increase per process), some deliveries are received, possibly late, duplicated or overlapping,
 * and the read-back may have lost some events.
 */
const histories = fc
  .array(
    fc.record({
      outcome: fc.constantFrom('ok', 'fail', 'info', 'pending') as fc.Arbitrary<'ok' | 'fail' | 'info' | 'pending'>,
      type: fc.constantFrom('order.created', 'user.created'),
      readable: fc.boolean(),
      receipts: fc.array(fc.record({ start: fc.nat({ max: 5000 }), length: fc.integer({ min: 1, max: 800 }), status: fc.constantFrom(200, 503, 0), newId: fc.boolean() }), { maxLength: 3 }),
    }),
    { maxLength: 25 },
  )
  .map((ops) => {
    const records: HistoryRecord[] = [];
    const events: Record<string, FinalEvent> = {};
    ops.forEach((op, i) => {
      const process = i % 3;
      const time = 100 * i;
      const eventId = `e${i}`;
      records.push(...create(process, time, op.outcome, { event_id: eventId, key: `k${i}`, event_type: op.type }));
      if (op.readable || op.outcome === 'ok') events[eventId] = { readable: op.readable, event_type: op.type, source: 'shop', idempotency_key: `k${i}` };
      for (const r of op.receipts) records.push(receipt(r.newId ? `d${i}-x` : `d${i}`, eventId, time + r.start, { end: time + r.start + r.length, status: r.status }));
    });
    const analytics = { total: Object.keys(events).length, by_type: {}, by_source: {} };
    records.push(final(events, { analytics }));
    return records;
  });

describe('checkers (property)', () => {
  it('give the same verdict, counts and examples whatever the order of the records', () => {
    fc.assert(
      fc.property(histories.chain((records) => fc.tuple(fc.constant(records), fc.shuffledSubarray(records, { minLength: records.length }))), ([records, shuffled]) => {
        const expected = runCheckers(CHECKER_NAMES, records);
        expect(runCheckers(CHECKER_NAMES, shuffled)).toEqual(expected);
        expect(runCheckers(CHECKER_NAMES, [...records].reverse())).toEqual(expected);
      }),
      propertyParams('checkers give the same verdict whatever the order of the records', 150),
    );
  });
});

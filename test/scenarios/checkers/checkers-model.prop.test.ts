import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { noConcurrentDoubleDelivery } from '../../../scenarios/checkers/no-concurrent-double-delivery.js';
import { noLostEvents } from '../../../scenarios/checkers/no-lost-events.js';
import type { FinalEvent, HistoryRecord, ReceiptRecord } from '../../../scenarios/history/history.js';
import { propertyParams } from '../../support/property-seed.js';
import { create, final, receipt } from './histories.js';

const outcome = fc.constantFrom('ok', 'fail', 'info') as fc.Arbitrary<'ok' | 'fail' | 'info'>;

describe('checkers against their definitions (property)', () => {
  it('no_lost_events fails exactly when an acknowledged create is missing from the read-back', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ outcome, kept: fc.boolean() }), { maxLength: 30 }), (ops) => {
        const records: HistoryRecord[] = [];
        const events: Record<string, FinalEvent> = {};
        ops.forEach((op, i) => {
          records.push(...create(i % 4, i * 50, op.outcome, { event_id: `e${i}`, key: `k${i}` }));
          if (op.kept) events[`e${i}`] = { readable: true, event_type: 'order.created', idempotency_key: `k${i}` };
        });
        const lost = ops.filter((op) => op.outcome === 'ok' && !op.kept).length;
        const result = noLostEvents([...records, final(events)]);
        expect(result.counts.lost).toBe(lost);
        expect(result.valid).toBe(lost === 0);
      }),
      propertyParams('no_lost_events fails exactly when an acknowledged create is missing', 200),
    );
  });

  it('no_concurrent_double_delivery counts the receipts that start inside an earlier one of the same id', () => {
    const receipts = fc.array(
      fc.record({ id: fc.constantFrom('d1', 'd2', 'd3'), start: fc.nat({ max: 2000 }), length: fc.integer({ min: 1, max: 500 }), status: fc.constantFrom(200, 503) }),
      { maxLength: 20 },
    );
    fc.assert(
      fc.property(receipts, (list) => {
        const records: ReceiptRecord[] = list.map((r) => receipt(r.id, `e-${r.id}`, r.start, { end: r.start + r.length, status: r.status }));
        // Brute force over all pairs, in the checker's order (start, end, status).
        const sorted = [...records].sort((a, b) => a.start - b.start || a.end - b.end || a.status - b.status);
        const concurrent = sorted.filter((r, i) => sorted.slice(0, i).some((q) => q.delivery_id === r.delivery_id && r.start < q.end)).length;
        const result = noConcurrentDoubleDelivery(records);
        expect(result.counts.concurrent).toBe(concurrent);
        expect(result.valid).toBe(concurrent === 0);
      }),
      propertyParams('no_concurrent_double_delivery counts receipts starting inside an earlier one', 300),
    );
  });
});

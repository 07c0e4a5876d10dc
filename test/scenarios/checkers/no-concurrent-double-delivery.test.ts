import { describe, expect, it } from 'vitest';
import { noConcurrentDoubleDelivery } from '../../../scenarios/checkers/no-concurrent-double-delivery.js';
import { history, receipt } from './histories.js';

describe('no_concurrent_double_delivery', () => {
  it('holds for retries one after another, touching end to start', () => {
    const h = history(receipt('d1', 'e1', 100, { end: 200, status: 503 }), receipt('d1', 'e1', 200, { end: 250 }), receipt('d2', 'e2', 150, { end: 400 }));
    expect(noConcurrentDoubleDelivery(h)).toEqual({
      name: 'no_concurrent_double_delivery',
      valid: true,
      counts: { deliveries: 2, receipts: 3, concurrent: 0, sequential_duplicates: 0 },
      examples: [],
    });
  });

  it('fails when two receipts of one delivery overlap, even if a third one lies between', () => {
    const h = history(receipt('d1', 'e1', 100, { end: 1000 }), receipt('d1', 'e1', 300, { end: 400 }), receipt('d1', 'e1', 600, { end: 700 }));
    const result = noConcurrentDoubleDelivery(h);
    expect(result).toMatchObject({ valid: false, counts: { concurrent: 2 } });
    expect(result.examples[0]).toMatchObject({ delivery_id: 'd1', event_id: 'e1', times: [100, 1000, 300, 400], seen: 'receipts overlapping from 300 ms to 400 ms' });
  });

  it('counts and shows a sequential duplicate after acceptance, and allows it', () => {
    const h = history(receipt('d1', 'e1', 100.25), receipt('d1', 'e1', 4999.6));
    const result = noConcurrentDoubleDelivery(h);
    expect(result).toMatchObject({ valid: true, counts: { sequential_duplicates: 1, concurrent: 0 } });
    expect(result.examples).toEqual([
      { delivery_id: 'd1', event_id: 'e1', webhook_id: 'wh-1', times: [100.25, 4999.6], expected: 'accepted once (a sequential duplicate is allowed)', seen: 'accepted again at 5000 ms after being accepted at 100 ms' },
    ]);
  });
});

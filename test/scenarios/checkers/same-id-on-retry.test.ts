import { describe, expect, it } from 'vitest';
import { sameIdOnRetry } from '../../../scenarios/checkers/same-id-on-retry.js';
import { history, receipt } from './histories.js';

describe('same_id_on_retry', () => {
  it('holds when every attempt of an (event, webhook) pair carries one delivery id', () => {
    const h = history(receipt('d1', 'e1', 100, { status: 503 }), receipt('d1', 'e1', 1100), receipt('d2', 'e1', 150, { webhook_id: 'wh-2' }));
    expect(sameIdOnRetry(h)).toMatchObject({ valid: true, counts: { receipts: 3, pairs: 2, retried_pairs: 1, changed_id: 0, reused_id: 0 } });
  });

  it('fails when a retry arrives under a new delivery id', () => {
    const h = history(receipt('d1', 'e1', 100, { status: 503 }), receipt('d1-retry', 'e1', 1100));
    const result = sameIdOnRetry(h);
    expect(result).toMatchObject({ valid: false, counts: { changed_id: 1 } });
    expect(result.examples).toEqual([
      { event_id: 'e1', webhook_id: 'wh-1', times: [100, 1100], expected: 'one delivery id on every attempt', seen: '2 delivery ids: d1, d1-retry' },
    ]);
  });

  it('fails when one delivery id stands for two events', () => {
    const result = sameIdOnRetry(history(receipt('d1', 'e1', 100), receipt('d1', 'e2', 200)));
    expect(result).toMatchObject({ valid: false, counts: { reused_id: 1 } });
    expect(result.examples[0]).toMatchObject({ delivery_id: 'd1', seen: 'used for e1 → wh-1; e2 → wh-1' });
  });

  it('lists five pairs of a delivery id used for many, and how many more', () => {
    const result = sameIdOnRetry(history(...Array.from({ length: 240 }, (_, i) => receipt('', `e${String(i).padStart(3, '0')}`, i))));
    expect(result).toMatchObject({ valid: false, counts: { reused_id: 1 } });
    expect(result.examples[0]!.seen).toBe('used for e000 → wh-1; e001 → wh-1; e002 → wh-1; e003 → wh-1; e004 → wh-1; and 235 more');
  });

  it('lists five ids of a pair sent under many, and how many more', () => {
    const result = sameIdOnRetry(history(...Array.from({ length: 7 }, (_, i) => receipt(`d${i}`, 'e1', i * 100))));
    expect(result.examples[0]!.seen).toBe('7 delivery ids: d0, d1, d2, d3, d4, and 2 more');
  });
});

// no_concurrent_double_delivery: two receipts of one delivery id must never overlap in time (two
// workers delivering at once means the lease failed). Sequential duplicates, e.g. a redelivery
// after a worker crashed between sending and recording, are allowed: counted and shown.
import type { HistoryRecord, ReceiptRecord } from '../history/history.js';
import { addExample, type CheckerExample, type CheckerResult } from './checker.js';

const NAME = 'no_concurrent_double_delivery';

/**
 * Judges receipts grouped by delivery id. Receipt windows are half-open [start, end): one that
 * starts as another ends does not overlap it.
 */
export function noConcurrentDoubleDelivery(history: readonly HistoryRecord[]): CheckerResult {
  const byDelivery = new Map<string, ReceiptRecord[]>();
  for (const r of history) {
    if (r.kind !== 'receipt') continue;
    const list = byDelivery.get(r.delivery_id) ?? [];
    list.push(r);
    byDelivery.set(r.delivery_id, list);
  }
  const counts = { deliveries: byDelivery.size, receipts: 0, concurrent: 0, sequential_duplicates: 0 };
  const concurrent: CheckerExample[] = [];
  const sequential: CheckerExample[] = [];
  for (const [deliveryId, receipts] of [...byDelivery].sort(([a], [b]) => a.localeCompare(b))) {
    receipts.sort((a, b) => a.start - b.start || a.end - b.end || a.status - b.status);
    counts.receipts += receipts.length;
    // Each receipt against the one reaching furthest among those before it: any overlap shows there.
    let furthest: ReceiptRecord | undefined;
    let acceptedBefore: ReceiptRecord | undefined;
    for (const r of receipts) {
      if (furthest && r.start < furthest.end) {
        counts.concurrent++;
        addExample(concurrent, {
          delivery_id: deliveryId,
          event_id: r.event_id,
          webhook_id: r.webhook_id,
          times: [furthest.start, furthest.end, r.start, r.end],
          expected: 'one receipt of a delivery at a time',
          seen: `receipts overlapping from ${Math.round(r.start)} ms to ${Math.round(Math.min(r.end, furthest.end))} ms`,
        });
      } else if (acceptedBefore && r.status >= 200 && r.status < 300) {
        counts.sequential_duplicates++;
        addExample(sequential, {
          delivery_id: deliveryId,
          event_id: r.event_id,
          webhook_id: r.webhook_id,
          times: [acceptedBefore.start, r.start],
          expected: 'accepted once (a sequential duplicate is allowed)',
          seen: `accepted again at ${Math.round(r.start)} ms after being accepted at ${Math.round(acceptedBefore.start)} ms`,
        });
      }
      if (!furthest || r.end > furthest.end) furthest = r;
      if (!acceptedBefore && r.status >= 200 && r.status < 300) acceptedBefore = r;
    }
  }
  const examples: CheckerExample[] = [];
  for (const example of [...concurrent, ...sequential]) addExample(examples, example);
  return { name: NAME, valid: counts.concurrent === 0, counts, examples };
}

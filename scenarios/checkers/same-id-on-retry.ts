// same_id_on_retry: every attempt to deliver one event to one webhook carries the same delivery id
// (receivers deduplicate on it), and one delivery id never stands for two (event, webhook) pairs.
import type { HistoryRecord } from '../history/history.js';
import { addExample, type CheckerExample, type CheckerResult } from './checker.js';

const NAME = 'same_id_on_retry';

/** How many ids or pairs an example lists: one id sent with every delivery would otherwise list them all. */
const LISTED = 5;

function listed(items: string[], separator: string): string {
  return items.length <= LISTED ? items.join(separator) : `${items.slice(0, LISTED).join(separator)}${separator}and ${items.length - LISTED} more`;
}

/** Judges receipts: ids per (event, webhook) pair, and pairs per id. */
export function sameIdOnRetry(history: readonly HistoryRecord[]): CheckerResult {
  const idsByPair = new Map<string, { event_id: string; webhook_id: string; ids: Map<string, number>; attempts: number }>();
  const pairsById = new Map<string, Set<string>>();
  let receipts = 0;
  for (const r of history) {
    if (r.kind !== 'receipt') continue;
    receipts++;
    const pair = `${r.event_id} ${r.webhook_id}`;
    const entry = idsByPair.get(pair) ?? { event_id: r.event_id, webhook_id: r.webhook_id, ids: new Map<string, number>(), attempts: 0 };
    entry.attempts++;
    const first = entry.ids.get(r.delivery_id);
    entry.ids.set(r.delivery_id, first === undefined ? r.start : Math.min(first, r.start));
    idsByPair.set(pair, entry);
    const pairs = pairsById.get(r.delivery_id) ?? new Set<string>();
    pairs.add(pair);
    pairsById.set(r.delivery_id, pairs);
  }
  const counts = { receipts, pairs: idsByPair.size, retried_pairs: 0, changed_id: 0, reused_id: 0 };
  const examples: CheckerExample[] = [];
  for (const entry of [...idsByPair.values()].sort((a, b) => `${a.event_id} ${a.webhook_id}`.localeCompare(`${b.event_id} ${b.webhook_id}`))) {
    if (entry.attempts > 1) counts.retried_pairs++;
    if (entry.ids.size <= 1) continue;
    counts.changed_id++;
    const ids = [...entry.ids].sort(([idA, a], [idB, b]) => a - b || idA.localeCompare(idB));
    addExample(examples, {
      event_id: entry.event_id,
      webhook_id: entry.webhook_id,
      times: ids.map(([, t]) => t),
      expected: 'one delivery id on every attempt',
      seen: `${ids.length} delivery ids: ${listed(ids.map(([id]) => id), ', ')}`,
    });
  }
  for (const [deliveryId, pairs] of [...pairsById].sort(([a], [b]) => a.localeCompare(b))) {
    if (pairs.size <= 1) continue;
    counts.reused_id++;
    addExample(examples, { delivery_id: deliveryId, expected: 'one (event, webhook) pair per delivery id', seen: `used for ${listed([...pairs].sort().map((p) => p.replace(' ', ' → ')), '; ')}` });
  }
  return { name: NAME, valid: counts.changed_id === 0 && counts.reused_id === 0, counts, examples };
}

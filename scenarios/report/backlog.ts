// The delivery backlog over a run: at the end of each second, how many deliveries the service owed
// (accepted creates × the webhooks that match them) and had not yet had accepted by the receiver.
import { wantsEvent } from '../../reference-server/src/domain/webhook.js';
import type { HistoryRecord } from '../history/history.js';

/** Webhooks that want an event of this type, matched as the service matches them (one each without a read-back). */
function matching(webhooks: readonly { event_types: string[] }[] | undefined, eventType: string | undefined): number {
  if (webhooks === undefined) return 1;
  return webhooks.filter(({ event_types }) => wantsEvent(event_types, eventType ?? '')).length;
}

/**
 * Backlog at the end of each of `seconds` buckets. Only events whose create answered ok are owed
 * (an `info` create may or may not exist, so it cannot be owed); a delivery counts once, at its
 * first accepted receipt. Without a final read-back every ok create is owed one delivery; with one that
 * lists no webhook (a service of one's own with none registered), nothing is owed.
 */
export function backlogSeries(history: readonly HistoryRecord[], seconds: number): number[] {
  const final = history.find((r) => r.kind === 'final');
  const webhooks = final?.kind === 'final' ? final.webhooks : undefined;
  const owedAt = new Array<number>(seconds).fill(0);
  const paidAt = new Array<number>(seconds).fill(0);
  const owed = new Set<string>();
  const bucket = (ms: number) => Math.min(seconds - 1, Math.max(0, Math.floor(ms / 1000)));
  for (const r of history) {
    if (r.kind !== 'op' || r.type !== 'ok' || r.value.event_id === undefined || owed.has(r.value.event_id)) continue;
    owed.add(r.value.event_id);
    owedAt[bucket(r.time)]! += matching(webhooks, r.value.event_type);
  }
  const paid = new Set<string>();
  for (const r of history) {
    if (r.kind !== 'receipt' || r.status < 200 || r.status >= 300 || !owed.has(r.event_id)) continue;
    const key = `${r.event_id} ${r.webhook_id}`;
    if (paid.has(key)) continue;
    paid.add(key);
    paidAt[bucket(r.end)]! += 1;
  }
  const out: number[] = [];
  let balance = 0;
  for (let s = 0; s < seconds; s++) {
    balance += owedAt[s]! - paidAt[s]!;
    out.push(Math.max(0, balance));
  }
  return out;
}

// deliveries_complete: every readable event reached every webhook that wants it: the receiver
// accepted it at least once, or the delivery is in the dead-letter queue. A webhook the service
// disabled during the run (a 410, failures in a row) is owed nothing more once a dead letter of its
// own shows why; disabled with none, it is judged like any other.
import { wantsEvent } from '../../reference-server/src/domain/webhook.js';
import type { HistoryRecord } from '../history/history.js';
import { addExample, type CheckerExample, type CheckerResult } from './checker.js';
import { finalReadOf, noFinalRead } from './final-read.js';
import { CREATE_EVENT, completedOps } from './operations.js';

const NAME = 'deliveries_complete';

/** True for a receipt the receiver accepted. */
function accepted(status: number): boolean {
  return status >= 200 && status < 300;
}

/**
 * Judges each (readable event × matching webhook) pair. A webhook with `registered_at` is not
 * expected to get events whose create was invoked before it was registered; one the service disabled
 * (`disabled_reason`), with a dead letter of its own, is not expected to get what it did not.
 */
export function deliveriesComplete(history: readonly HistoryRecord[]): CheckerResult {
  const final = finalReadOf(history);
  if (!final) return noFinalRead(NAME);
  const receipts = new Map<string, { accepted: number; attempts: { start: number; status: number }[] }>();
  for (const r of history) {
    // As of the read-back, as the dead-letter queue is: a delivery that came after it (while the run
    // was being torn down) came after the service was given up waiting for.
    if (r.kind !== 'receipt' || r.start > final.time) continue;
    const key = `${r.event_id} ${r.webhook_id}`;
    const seen = receipts.get(key) ?? { accepted: 0, attempts: [] };
    if (accepted(r.status)) seen.accepted++;
    seen.attempts.push({ start: r.start, status: r.status });
    receipts.set(key, seen);
  }
  const dead = new Set(final.dlq.map((d) => `${d.event_id} ${d.webhook_id}`));
  const invokedAt = new Map<string, number>();
  for (const op of completedOps(history, CREATE_EVENT)) if (op.value.event_id) invokedAt.set(op.value.event_id, op.invoked);

  const deadFor = new Set(final.dlq.map((d) => d.webhook_id));
  const counts = { expected: 0, delivered: 0, dead_lettered: 0, missing: 0 };
  let notOwed = 0;
  const examples: CheckerExample[] = [];
  const shown: CheckerExample[] = [];
  const released = new Set<string>();
  for (const webhook of final.webhooks) {
    if (webhook.disabled_reason === undefined || !deadFor.has(webhook.webhook_id)) continue;
    released.add(webhook.webhook_id);
    addExample(shown, {
      webhook_id: webhook.webhook_id,
      expected: 'deliveries until the service disabled the webhook',
      seen: `disabled by the service (${webhook.disabled_reason}), with a dead letter; what it did not get after is not owed`,
    });
  }
  for (const [eventId, event] of Object.entries(final.events).sort(([a], [b]) => a.localeCompare(b))) {
    if (!event.readable) continue;
    for (const webhook of final.webhooks) {
      if (!wantsEvent(webhook.event_types, event.event_type)) continue;
      const invoked = invokedAt.get(eventId);
      if (webhook.registered_at !== undefined && invoked !== undefined && invoked < webhook.registered_at) continue;
      counts.expected++;
      const key = `${eventId} ${webhook.webhook_id}`;
      const seen = receipts.get(key);
      if (seen && seen.accepted > 0) counts.delivered++;
      else if (dead.has(key)) counts.dead_lettered++;
      else if (released.has(webhook.webhook_id)) notOwed++;
      else {
        counts.missing++;
        const attempts = (seen?.attempts ?? []).sort((a, b) => a.start - b.start || a.status - b.status);
        const last = attempts[attempts.length - 1];
        addExample(examples, {
          event_id: eventId,
          webhook_id: webhook.webhook_id,
          times: [...(invoked === undefined ? [] : [invoked]), ...(last ? [last.start] : [])],
          expected: 'a receipt the receiver accepted, or a DLQ entry',
          seen: last ? `${attempts.length} receipt(s), answered ${attempts.map((a) => a.status).join(', ')}; not in the DLQ` : 'no receipt and not in the DLQ',
        });
      }
    }
  }
  for (const example of shown) addExample(examples, example);
  // Only when a webhook was disabled, so the usual line stays as it was.
  const more: Record<string, number> = released.size > 0 ? { disabled_webhooks: released.size, not_owed: notOwed } : {};
  return { name: NAME, valid: counts.missing === 0, counts: { ...counts, ...more }, examples };
}

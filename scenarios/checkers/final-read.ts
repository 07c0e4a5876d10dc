// Reads the final read-back out of a history, and decides whether a create_event took effect:
// by its event id when the service answered, else by its idempotency key among the events read back.
import type { FinalRead, HistoryRecord } from '../history/history.js';
import type { CheckerResult } from './checker.js';
import type { CompletedOp } from './operations.js';

/** The history's final read-back (the latest, if several), or undefined when there is none. */
export function finalReadOf(history: readonly HistoryRecord[]): FinalRead | undefined {
  let final: FinalRead | undefined;
  for (const record of history) if (record.kind === 'final' && (!final || record.time >= final.time)) final = record;
  return final;
}

/** Where a create stands at the end: the event id it maps to (if known) and whether it is readable. */
export interface CreateFate {
  event_id?: string;
  readable: boolean;
}

/** Index of the read-back's events by idempotency key, for creates that never got an answer. */
export function byIdempotencyKey(final: FinalRead): Map<string, string> {
  const index = new Map<string, string>();
  for (const [eventId, event] of Object.entries(final.events)) if (event.idempotency_key) index.set(event.idempotency_key, eventId);
  return index;
}

/** Whether a create took effect, as far as the read-back shows. */
export function fateOf(op: CompletedOp, final: FinalRead, keys: Map<string, string>): CreateFate {
  const eventId = op.value.event_id ?? (op.value.idempotency_key ? keys.get(op.value.idempotency_key) : undefined);
  if (eventId === undefined) return { readable: false };
  return { event_id: eventId, readable: final.events[eventId]?.readable === true };
}

/** The result a checker gives when the history has no read-back to judge by. */
export function noFinalRead(name: string): CheckerResult {
  return {
    name,
    valid: false,
    counts: { no_final_read: 1 },
    examples: [{ expected: 'a final read-back after quiescence', seen: 'the history has none (the run stopped before it)' }],
  };
}

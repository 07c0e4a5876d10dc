// Reads the final read-back out of a history, and decides whether a create_event took effect:
// by its event id when the service answered, else by its idempotency key among the events read back;
// an event id that answered creates of two idempotency keys is one create's, and the other's is lost.
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
  /**
   * The idempotency key of another create whose event this create's answer named: two creates
   * were answered with one event, so this one's own event was never stored.
   */
  taken_by?: string;
}

/** Index of the read-back's events by idempotency key, for creates that never got an answer. */
export function byIdempotencyKey(final: FinalRead): Map<string, string> {
  const index = new Map<string, string>();
  for (const [eventId, event] of Object.entries(final.events)) if (event.idempotency_key) index.set(event.idempotency_key, eventId);
  return index;
}

/** Whether a create took effect, as far as the read-back shows, judged alone. */
function fateOf(op: CompletedOp, final: FinalRead, keys: Map<string, string>): CreateFate {
  const eventId = op.value.event_id ?? (op.value.idempotency_key ? keys.get(op.value.idempotency_key) : undefined);
  if (eventId === undefined) return { readable: false };
  return { event_id: eventId, readable: final.events[eventId]?.readable === true };
}

/**
 * The fate of each create, in the order given. An event belongs to one create: the load gives
 * every create its own idempotency key, so when creates with different keys map to one event id
 * (an idempotency cache answering for the wrong key, say), it is the event of the create whose key
 * the read-back shows, else of the first invoked, and the others' events were never stored.
 */
export function fatesOf(ops: readonly CompletedOp[], final: FinalRead): CreateFate[] {
  const keys = byIdempotencyKey(final);
  const fates = ops.map((op) => fateOf(op, final, keys));
  const owners = new Map<string, string | undefined>();
  ops.forEach((op, i) => {
    const eventId = fates[i]!.event_id;
    if (eventId !== undefined && !owners.has(eventId)) owners.set(eventId, final.events[eventId]?.idempotency_key ?? op.value.idempotency_key);
  });
  return ops.map((op, i) => {
    const fate = fates[i]!;
    const owner = fate.event_id === undefined ? undefined : owners.get(fate.event_id);
    const key = op.value.idempotency_key;
    return key !== undefined && owner !== undefined && key !== owner ? { event_id: fate.event_id, readable: false, taken_by: owner } : fate;
  });
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

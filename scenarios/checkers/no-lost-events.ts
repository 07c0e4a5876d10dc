// no_lost_events: every create the service acknowledged (ok) is readable at the end. A create
// whose outcome is unknown (info) may be either; one that definitely failed should not be there.
import type { FinalRead, HistoryRecord } from '../history/history.js';
import { addExample, type CheckerExample, type CheckerResult } from './checker.js';
import { fatesOf, finalReadOf, noFinalRead } from './final-read.js';
import { CREATE_EVENT, completedOps } from './operations.js';

const NAME = 'no_lost_events';

/**
 * Judges acknowledged creates against the final read-back.
 * - invalid when an ok create is not readable (`lost`; an ok without an event id counts too, and so
 *   does one answered with the event of a create with another idempotency key);
 * - `info` creates (and `pending` ones the history never saw complete) are counted as present or
 *   absent, and never make the history invalid;
 * - a `fail` create that is readable is counted as `unexpected` and shown (it says a 5xx was
 *   recorded as fail rather than info), but is not data loss.
 */
export function noLostEvents(history: readonly HistoryRecord[]): CheckerResult {
  const final = finalReadOf(history);
  if (!final) return noFinalRead(NAME);
  const counts = { ok: 0, lost: 0, info: 0, info_present: 0, info_absent: 0, failed: 0, unexpected: 0, pending: 0 };
  const examples: CheckerExample[] = [];
  const shown: CheckerExample[] = [];
  const ops = completedOps(history, CREATE_EVENT);
  const fates = fatesOf(ops, final);
  for (const [i, op] of ops.entries()) {
    const fate = fates[i]!;
    const times = op.completed === undefined ? [op.invoked] : [op.invoked, op.completed];
    if (op.type === 'ok') {
      counts.ok++;
      if (fate.readable) continue;
      counts.lost++;
      addExample(examples, {
        event_id: op.value.event_id,
        times,
        expected: 'readable at the final read-back (the create was acknowledged)',
        seen: lostAs(op.value.event_id, fate.taken_by, final),
      });
    } else if (op.type === 'info' || op.type === 'pending') {
      counts[op.type === 'info' ? 'info' : 'pending']++;
      counts[fate.readable ? 'info_present' : 'info_absent']++;
    } else {
      counts.failed++;
      if (!fate.readable) continue;
      counts.unexpected++;
      addExample(shown, { event_id: fate.event_id, times, expected: 'absent (the create was recorded as failed)', seen: `readable (status ${op.value.status ?? 'none'})` });
    }
  }
  for (const example of shown) addExample(examples, example);
  return { name: NAME, valid: counts.lost === 0, counts, examples };
}

/** What the read-back showed of an acknowledged create that is not readable. */
function lostAs(eventId: string | undefined, takenBy: string | undefined, final: FinalRead): string {
  if (eventId === undefined) return 'the ok response carried no event_id';
  if (takenBy !== undefined) return `answered with event ${eventId}, which is the create ${takenBy}'s: this create's event was never stored`;
  return final.events[eventId] ? 'not readable' : 'missing from the read-back';
}

// After the load: wait (bounded) until the service has settled — every accepted event delivered to
// every webhook and nothing in flight at the receiver, then the analytics counting exactly the events
// that can be read — and read it back.
import { wantsEvent } from '../../reference-server/src/domain/webhook.js';
import type { Adapter, CreatedEvents } from '../adapters/adapter.js';
import type { FinalRead } from '../history/history.js';
import type { Receiver } from '../receiver/receiver.js';
import type { RunClock } from './run-clock.js';
import type { RunRecorder } from './run-recorder.js';

const POLL_MS = 250;
/**
 * While deliveries are still owed, how often the service is read back to see whether the rest are
 * dead-lettered: the receiver alone cannot tell, and a service that gave up on them is settled.
 */
const READ_EVERY_MS = 2_000;

/**
 * Whether the analytics count exactly the events that can be read. Not only a count catching up: an
 * event counted but not shown yet (a create cut off by a crash, accepted, and shown later by the
 * service's own recovery) reads as one too many until it is shown, and is waited for too. An event
 * acknowledged and then lost is neither, so it costs no wait.
 */
function settledAnalytics(final: FinalRead): boolean {
  if (!final.analytics) return true;
  const readable = Object.values(final.events).filter((e) => e.readable).length;
  return final.analytics.total === readable;
}

/**
 * Waits at most `boundMs`, then returns the last read-back (settled or not: the checkers judge it).
 * Returns how long it waited, so the journal shows a service that needed the whole bound.
 */
export async function quiesceAndRead(input: {
  adapter: Adapter;
  receiver: Receiver;
  recorder: RunRecorder;
  clock: RunClock;
  webhooks: number;
  boundMs: number;
  signal: AbortSignal;
}): Promise<{ final: FinalRead; waitedMs: number; settled: boolean; unsettled: string[] }> {
  const { adapter, receiver, recorder, clock } = input;
  const start = clock.now();
  const deadline = start + input.boundMs;
  const delivered = () => {
    const { owed, accepted } = recorder.deliveriesOwed(input.webhooks);
    return accepted >= owed && receiver.inFlight() === 0;
  };
  const created = (): CreatedEvents => ({ ids: recorder.eventIds(), attempts: recorder.createAttempts });
  // Every acknowledged event readable, and each of its deliveries accepted or dead-lettered.
  const accountedFor = (final: FinalRead) => receiver.inFlight() === 0 && recorder.eventIds().every((id) => final.events[id]?.readable) && undelivered(final, recorder) === 0;
  let lastRead = start;
  while (!delivered() && clock.now() < deadline && !input.signal.aborted) {
    await clock.until(clock.now() + POLL_MS, input.signal);
    if (clock.now() - lastRead < READ_EVERY_MS || input.signal.aborted) continue;
    lastRead = clock.now();
    if (accountedFor(await adapter.finalRead(created(), () => clock.now()))) break;
  }
  let final = await adapter.finalRead(created(), () => clock.now());
  // The read-back also shows the events whose create got no answer and landed: their deliveries are
  // owed too (deliveries_complete judges every readable event), so they are waited for as well.
  while ((!settledAnalytics(final) || undelivered(final, recorder) > 0) && clock.now() < deadline && !input.signal.aborted) {
    await clock.until(clock.now() + POLL_MS * 2, input.signal);
    final = await adapter.finalRead(created(), () => clock.now());
  }
  const { owed, accepted } = recorder.deliveriesOwed(input.webhooks);
  const unsettled = unsettledParts(owed, accepted + deadLettered(final, recorder), receiver.inFlight(), final, undelivered(final, recorder));
  return { final, waitedMs: clock.now() - start, settled: unsettled.length === 0, unsettled };
}

/**
 * What was still outstanding when the wait ended, one phrase each, so the run's note says what it
 * waited for: deliveries that never came point at lost events or a webhook the service forgot.
 */
function unsettledParts(owed: number, done: number, inFlight: number, final: FinalRead, undeliveredReadable: number): string[] {
  const readable = Object.values(final.events).filter((e) => e.readable).length;
  return [
    // `done`: accepted by the receiver, or dead-lettered by the service.
    ...(done < owed ? [`${owed - done} of ${owed} deliveries owed for acknowledged creates neither accepted by the receiver nor dead-lettered${disabledNote(final)}`] : []),
    // Beyond those: deliveries of events whose create got no answer but that landed.
    ...(done >= owed && undeliveredReadable > 0 ? [`${undeliveredReadable} deliveries of readable events neither accepted by the receiver nor dead-lettered`] : []),
    ...(inFlight > 0 ? [`${inFlight} webhook request(s) still being answered`] : []),
    ...(final.analytics && final.analytics.total !== readable ? [`analytics counting ${final.analytics.total} events, ${readable} readable`] : []),
  ];
}

/** Webhooks the service disabled during the run, which explain deliveries that never came. */
function disabledNote(final: FinalRead): string {
  const disabled = final.webhooks.filter((w) => w.disabled_reason !== undefined);
  return disabled.length === 0 ? '' : ` (the service disabled ${disabled.map((w) => `webhook ${w.webhook_id}: ${w.disabled_reason}`).join('; ')})`;
}

/**
 * Deliveries of acknowledged events the receiver did not accept and the service dead-lettered: owed
 * nothing more, so the wait's note does not count them as never accepted.
 */
function deadLettered(final: FinalRead, recorder: RunRecorder): number {
  const acknowledged = new Set(recorder.eventIds());
  return new Set(final.dlq.filter((d) => acknowledged.has(d.event_id) && !recorder.acceptedFor(d.event_id).has(d.webhook_id)).map((d) => `${d.event_id} ${d.webhook_id}`)).size;
}

/**
 * Deliveries the read-back says are owed, as deliveries_complete counts them, that have neither been
 * accepted by the receiver nor dead-lettered: each readable event to each webhook that wants it (one
 * the service disabled owes nothing more).
 */
function undelivered(final: FinalRead, recorder: RunRecorder): number {
  const dead = new Set(final.dlq.map((d) => `${d.event_id} ${d.webhook_id}`));
  const open = final.webhooks.filter((w) => w.disabled_reason === undefined);
  let missing = 0;
  for (const [eventId, event] of Object.entries(final.events)) {
    if (!event.readable) continue;
    const accepted = recorder.acceptedFor(eventId);
    for (const webhook of open) {
      if (wantsEvent(webhook.event_types, event.event_type) && !accepted.has(webhook.webhook_id) && !dead.has(`${eventId} ${webhook.webhook_id}`)) missing++;
    }
  }
  return missing;
}

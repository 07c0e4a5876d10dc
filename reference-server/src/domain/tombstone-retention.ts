// How long a deleted event's tombstone is kept before the sweep (or DynamoDB TTL) may remove it, and
// why that is safe: every way a write of the event can come back after the delete must find it.

const HOUR = 3_600_000;

/**
 * The longest bounded window in which a write of an event is read back or sent again: an
 * `Idempotency-Key` retry of POST /v1/events reuses the event id for 24 hours (IDEMPOTENCY_TTL_S in
 * http/events.ts) and, finding the tombstone, does not create the event again. The other windows are
 * far shorter: the SDK's resends (seconds), the batch completer (COMPLETE_WITHIN_MS, 5 minutes).
 */
export const LONGEST_READ_BACK_MS = 24 * HOUR;

/**
 * The shortest retention accepted: the idempotency window plus an hour for clocks that differ
 * between the process that stored the key and the one that sweeps.
 */
export const TOMBSTONE_RETENTION_MIN_MS = LONGEST_READ_BACK_MS + HOUR;

/**
 * Default retention, 7 days: beyond the idempotency window with a wide margin, and long enough for
 * the one unbounded case in practice: a crashed server's journal of part-written batches
 * (unfinished-journal.ts) is finished at its next start, so a server that stays down longer than
 * this while a worker process sweeps could bring back an event of such a batch deleted before the
 * crash.
 */
export const TOMBSTONE_RETENTION_MS = 7 * 24 * HOUR;

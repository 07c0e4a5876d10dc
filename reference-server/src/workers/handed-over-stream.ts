// When an event handed over the wake stream by another process may be fanned out the way an event
// stored in this process is: without reading the outbox and without checking which of its deliveries
// exist. That is sound only if this process held the fan-out lease, without a break, since before the
// event's write began — then no other process can have fanned it out. The write began on the server's
// wall clock, the hold on this process's monotonic one, so the event is taken as stored `guardMs`
// earlier than the server says: the same bound on clock skew the lease fencing already rests on
// (delivery-fence.ts). Within `guardMs` of taking the lease nothing handed over is trusted; it is read
// from the outbox and checked as before.

/**
 * The moment, on this process's `performance.now()` clock, from which a hold must have lasted for an
 * event whose write began at `storedAtWallMs` on the server to be trusted (fanout-loop.ts compares it
 * with the hold's start).
 * @example localStoredSince(wake.stored_at, fenceMargins(visibilityMs).guardMs)
 */
export function localStoredSince(storedAtWallMs: number, guardMs: number, nowWallMs = Date.now(), nowMonoMs = performance.now()): number {
  return nowMonoMs - (nowWallMs - storedAtWallMs) - guardMs;
}

/** The wall-clock time (ms) of a `performance.now()` reading of this process, for a `stored` wake. */
export function wallClockOf(monoMs: number, nowWallMs = Date.now(), nowMonoMs = performance.now()): number {
  return nowWallMs - (nowMonoMs - monoMs);
}

// Fencing by time: when a lease holder may skip the conditional write. A lease (a delivery's, or the
// fan-out's) can only pass to another process once its expiry time is reached on that process's
// clock, so an unconditional write that lands well before the expiry cannot overwrite a successor.
//
// Assumption (stated in docs/WEBHOOKS.md): the skew between any two workers' clocks plus the time a
// write spends between leaving the process and being applied stays below `guardMs`. The existing
// send check (never start an attempt the lease might not outlive) rests on the same kind of bound.

/** How much lease must be left to write unconditionally, and when such writes must stop being sent. */
export interface FenceMargins {
  /** An unconditional write is started only with at least this much lease left: max(5 s, visibility / 3). */
  admitMs: number;
  /** Nothing unconditional is sent (no SDK retry, no further batch round) with less than this left: admitMs / 2. */
  guardMs: number;
}

/** The margins for a lease length of `visibilityMs`. */
export function fenceMargins(visibilityMs: number): FenceMargins {
  const admitMs = Math.ceil(Math.max(5_000, visibilityMs / 3));
  return { admitMs, guardMs: Math.ceil(admitMs / 2) };
}

/**
 * The deadline (on the holder's clock) for unconditional writes under a lease ending at `leaseUntil`,
 * or `undefined` when too little is left and the caller must use a conditional write instead.
 */
export function fencedDeadline(leaseUntil: number, nowMs: number, margins: FenceMargins): number | undefined {
  return leaseUntil - nowMs >= margins.admitMs ? leaseUntil - margins.guardMs : undefined;
}

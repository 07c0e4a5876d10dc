// Per-endpoint isolation for one worker process: how many attempts each webhook (and each tenant) may
// have in flight at once, so a slow or hanging receiver holds a few of the process's slots and never
// all of them. An endpoint whose recent attempts keep timing out or failing to connect is narrowed to
// one attempt at a time (a probe) until one gets an answer: it fails fast without burning attempts.

/** Caps, from the config: per webhook, per tenant, and for an endpoint that is failing. */
export interface SlotCaps {
  perEndpoint: number;
  perTenant: number;
  /** Consecutive timeouts or connection errors after which an endpoint gets one slot only. */
  failingAfter: number;
}

/** Pure bookkeeping (no I/O, no clock): the delivery loop asks before starting an attempt. */
export class EndpointSlots {
  private readonly byEndpoint = new Map<string, number>();
  private readonly byTenant = new Map<string, number>();
  private readonly failures = new Map<string, number>();
  /** When each endpoint last gave a slot back (an attempt ended), on the caller's clock. */
  private readonly lastFreed = new Map<string, number>();
  /** When each endpoint with attempts in flight went from none to one, on the caller's clock. */
  private readonly busySince = new Map<string, number>();

  constructor(private readonly caps: SlotCaps) {}

  /** The cap that applies to `webhookId` now: one while it is failing. */
  capOf(webhookId: string): number {
    return (this.failures.get(webhookId) ?? 0) >= this.caps.failingAfter ? 1 : this.caps.perEndpoint;
  }

  /** Whether an attempt to `webhookId` of `tenantId` may start now. */
  hasRoom(webhookId: string, tenantId: string): boolean {
    return (this.byEndpoint.get(webhookId) ?? 0) < this.capOf(webhookId) && (this.byTenant.get(tenantId) ?? 0) < this.caps.perTenant;
  }

  /**
   * Takes a slot at `now` if there is room; returns its release (idempotent), or `undefined` when the
   * endpoint or tenant is at its cap.
   */
  take(webhookId: string, tenantId: string, now: number): ((now: number) => void) | undefined {
    if (!this.hasRoom(webhookId, tenantId)) return undefined;
    if (!this.byEndpoint.has(webhookId)) this.busySince.set(webhookId, now);
    bump(this.byEndpoint, webhookId, 1);
    bump(this.byTenant, tenantId, 1);
    let released = false;
    return (now) => {
      if (released) return;
      released = true;
      bump(this.byEndpoint, webhookId, -1);
      if (!this.byEndpoint.has(webhookId)) this.busySince.delete(webhookId);
      bump(this.byTenant, tenantId, -1);
      this.lastFreed.set(webhookId, now);
      if (this.lastFreed.size > 10_000) this.lastFreed.clear(); // bounded: deleted webhooks never return
    };
  }

  /**
   * Whether `webhookId` may be answering, judged over the last `windowMs` before `now`: a busy endpoint
   * that answers frees slots all the time, one whose slots are all held by hung requests frees none.
   * An endpoint that has had attempts in flight for less than the window is given the benefit of the
   * doubt: after an idle spell the first burst to an endpoint fills its slots before any can come back,
   * and treating it as hung sent all but the first few of a backlog the slow way (a 3,000-event drain
   * after a pause ran at ~500 deliveries/s for its first 0.3 s; docs/BENCHMARKS.md).
   */
  answeringWithin(webhookId: string, now: number, windowMs: number): boolean {
    const freed = this.lastFreed.get(webhookId);
    const busy = this.busySince.get(webhookId);
    return (freed !== undefined && now - freed <= windowMs) || (busy !== undefined && now - busy <= windowMs);
  }

  /** Records how an attempt to `webhookId` ended: `unreachable` for a timeout or connection error. */
  record(webhookId: string, unreachable: boolean): void {
    if (unreachable) bump(this.failures, webhookId, 1);
    else this.failures.delete(webhookId);
  }

  /** Attempts in flight to `webhookId` (tests and metrics). */
  inFlight(webhookId: string): number {
    return this.byEndpoint.get(webhookId) ?? 0;
  }
}

function bump(counts: Map<string, number>, key: string, by: number): void {
  const next = (counts.get(key) ?? 0) + by;
  if (next <= 0) counts.delete(key);
  else counts.set(key, next);
}

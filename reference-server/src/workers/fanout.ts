// Webhook fan-out: reads the outbox oldest first, creates one delivery per matching active webhook
// (ids derived from event and webhook), then deletes the outbox rows. Deliveries that already exist
// (a batch redone after a crash) are found with one BatchGetItem and left alone; the missing ones are
// attempted at once and written in their outcome state (the fast path, one write per delivery), or
// written due now with BatchWriteItem — which only the holder of the fan-out lease may do, and only
// before the lease's write deadline. Redoing a batch creates nothing twice: at-least-once fan-out,
// exactly once in effect; a fast attempt whose record was lost is repeated after it, never beside it.
import { setMaxListeners } from 'node:events';
import { iso } from '../domain/clock.js';
import { deliveryIdFor, type DeliveryRecord } from '../domain/delivery.js';
import { eventView, type EventRecord } from '../domain/event.js';
import { wantsEvent, type WebhookRecord } from '../domain/webhook.js';
import { queuedItem, type Lease } from '../store/delivery-items.js';
import type { OutboxRemover } from '../store/outbox-remover.js';
import type { FanoutRowRef } from '../store/outbox-store.js';
import type { WorkerDeps } from './worker-deps.js';

/** Events a fan-out pass takes (in whole rows, so the last row may take it a few past). */
export const FANOUT_BATCH = 100;

/** The body every attempt of a delivery sends: the event plus delivery metadata. */
function deliveryBody(event: EventRecord, deliveryId: string, webhookId: string): string {
  return JSON.stringify({ type: event.event_type, delivery_id: deliveryId, webhook_id: webhookId, timestamp: event.created_at, data: eventView(event) });
}

/**
 * Where fan-out hands deliveries it has not stored yet (the fast path): the process attempts each and
 * writes its first record in its outcome state, so a delivery that succeeds at once is written once.
 */
export interface Handoff {
  /** How many more deliveries the process can take now. */
  room(): number;
  /**
   * Attempts a fresh lease (fenced by the fan-out lease until `lease.leaseUntil`) and records the
   * outcome. Resolves `true` once the record certainly landed, `false` if it did not or may not have;
   * never rejects. Once `revoked` aborts, an attempt not yet started never starts (resolves `false`).
   */
  attempt(lease: Lease, webhook: WebhookRecord, revoked: AbortSignal): Promise<boolean>;
}

/** The fan-out lease as fan-out sees it: until when (on deps.clock) its unconditional writes may be sent. */
export interface WriteFence {
  writeDeadline(): Promise<number | undefined>;
  /** When (performance.now()) the current unbroken hold began; see FanoutLease.heldSince. */
  heldSince?(): number | undefined;
}

/** An event handed to fan-out, and the outbox row that holds it. */
export interface HandedEvent {
  event: EventRecord;
  row: FanoutRowRef;
}

/**
 * Events this process stored itself, handed to fan-out straight from the request instead of read back
 * from the outbox. `tenure` is the fan-out lease hold they were stored under: while that hold lasts,
 * no other process can have fanned them out, and no pass of this process has unless it marked their
 * row in `touched` — so the pass needs neither the outbox read nor the check for existing deliveries.
 */
export interface HandedEvents {
  events: HandedEvent[];
  tenure: number;
}

/**
 * Outbox rows a pass works on: read whole, or the handed events of a row (`whole` when they are all of
 * its events). Only a pass that handled every event of a row removes it; a row handed in part is left
 * to a read, which redoes it whole (checking which deliveries exist).
 */
interface PassRow {
  key: string;
  events: EventRecord[];
  reveal?: true;
  whole: boolean;
}

/** Handed events grouped by their rows, in the order handed (an event handed twice counts once). */
function handedRows(handed: readonly HandedEvent[]): PassRow[] {
  const rows = new Map<string, PassRow & { size: number; ids: Set<string> }>();
  for (const { event, row } of handed) {
    const r = rows.get(row.key) ?? { key: row.key, events: [], whole: false, size: row.size, ids: new Set<string>() };
    if (r.ids.has(event.event_id)) continue;
    r.ids.add(event.event_id);
    r.events.push(event);
    rows.set(row.key, r);
  }
  return [...rows.values()].map(({ size, ids: _ids, ...r }) => ({ ...r, whole: r.events.length === size }));
}

/** What fan-out passes of one process share beyond the rows in progress. */
export interface FanoutMemory {
  /** Outbox rows (keys) any pass began to write deliveries for, recently; handed events of them are left to a read. */
  touched: RecentIds;
  /** This pass's events, handed from the requests that stored them (else it reads the outbox). */
  handed?: HandedEvents;
  /** Removes handled rows together with other passes' (else each pass removes its own at once). */
  remover?: OutboxRemover;
  /** Read the outbox after this row (where the last pass left off) instead of from its oldest row. */
  after?: string;
}

/**
 * Ids added within at least the last `ttlMs` (at most 2 × `ttlMs`): two generations of sets that
 * rotate, so a lookup is O(1) and memory is bounded by the rate of adds.
 */
export class RecentIds {
  private current = new Set<string>();
  private previous = new Set<string>();
  private rotatedAt: number;

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.rotatedAt = now();
  }

  add(id: string): void {
    this.rotate();
    this.current.add(id);
  }

  has(id: string): boolean {
    this.rotate();
    return this.current.has(id) || this.previous.has(id);
  }

  private rotate(): void {
    const t = this.now();
    if (t - this.rotatedAt < this.ttlMs) return;
    this.previous = t - this.rotatedAt < 2 * this.ttlMs ? this.current : new Set();
    this.current = new Set();
    this.rotatedAt = t;
  }
}

/** What one pass did: events handled (`rows`), deliveries created, and how many of those were queued due now. */
export interface FanoutPass {
  rows: number;
  enqueued: number;
  queuedDue: number;
  leader: boolean;
  /**
   * Outbox read passes only: the row after which rows may remain that this pass did not take (it
   * took a whole batch, or its read stopped at its limit); undefined when the read reached the end.
   */
  next?: string;
  /** With `inProgress`: the rest of the pass (fast attempts, then the outbox rows' removal), still running. */
  finishing?: Promise<FanoutPass>;
}

/**
 * Outbox rows read at most in one pass from the oldest row, counting those skipped as still in
 * progress (they are the oldest); a read that goes on from where the last stopped reads one batch.
 */
const READ_MAX = FANOUT_BATCH * 3;

const NOT_LEADER: FanoutPass = { rows: 0, enqueued: 0, queuedDue: 0, leader: false };

/**
 * Processes one batch of the outbox. Does nothing (`leader: false`) while another process holds the
 * fan-out lease, and leaves the batch to be redone if the lease ran short before its deliveries could
 * be recorded. Deliveries the handoff has room for are attempted before anything is stored about
 * them (fenced by the fan-out lease, so no other process can attempt them meanwhile); the rest, and
 * any the fast path did not record, are stored due now for any worker. Outbox rows are deleted only
 * once every delivery of theirs is recorded.
 *
 * With `inProgress`, the pass returns once its attempts are handed off, its rows' ids stay in the set
 * until `finishing` settles, and the next pass skips them: one slow receiver does not hold up
 * fan-out for everyone else. Without it, the pass returns when finished.
 */
export async function fanOutOnce(deps: WorkerDeps, fence: WriteFence, handoff?: Handoff, inProgress?: Set<string>, memory?: FanoutMemory): Promise<FanoutPass> {
  const handed = memory?.handed;
  if ((await fence.writeDeadline()) === undefined) return NOT_LEADER;
  // Handed events are trusted only under the hold they were stored under (checked again before writing).
  const trusted = handed !== undefined && fence.heldSince?.() === handed.tenure;
  if (handed && !trusted) return { ...NOT_LEADER, leader: true };
  // Rows for about a batch of events (rows hold a write batch's events each).
  const batchRows = Math.max(1, Math.ceil(FANOUT_BATCH / deps.stores.outbox.fanoutEventsPerRow));
  const page = trusted
    ? { rows: handedRows(handed.events), more: false }
    : await readRows(deps, memory?.after === undefined ? Math.min(READ_MAX, batchRows + (inProgress?.size ?? 0)) : batchRows, memory?.after);
  const open = page.rows.filter((r) => !inProgress?.has(r.key) && !(trusted && memory!.touched.has(r.key)));
  // Whole rows until they hold a batch of events (the last may take it a row's events past).
  const rows: PassRow[] = [];
  let count = 0;
  for (const r of open) {
    if (count >= FANOUT_BATCH) break;
    rows.push(r);
    count += r.events.length;
  }
  const next = open.length > rows.length ? rows.at(-1)!.key : page.more ? page.rows.at(-1)!.key : undefined;
  if (rows.length === 0) {
    deps.metrics.fanoutLag.set(0);
    return { rows: 0, enqueued: 0, queuedDue: 0, leader: true, next };
  }
  const events = rows.flatMap((r) => r.events);
  await deps.beforeStep?.('fanout', 'batch');
  // An event whose create stopped after writing these rows is accepted but maybe still hidden, and
  // maybe without its fact: complete both before its row can be removed. Handed events were revealed
  // by the request that handed them.
  if (!trusted) await deps.stores.events.revealAccepted(rows.filter((r) => r.reveal).flatMap((r) => r.events));
  const oldest = events[0]!.created_at;
  deps.metrics.fanoutLag.set(Math.max(0, (deps.clock.now() - Date.parse(oldest)) / 1000));

  const byTenant = new Map<string, WebhookRecord[]>();
  const webhooks = new Map<string, WebhookRecord>();
  for (const tenant of new Set(events.map((e) => e.tenant_id))) {
    const active = await deps.stores.webhooks.activeFor(tenant, { now: deps.clock.now(), maxAgeMs: deps.config.WEBHOOK_CACHE_MS });
    byTenant.set(tenant, active);
    for (const w of active) webhooks.set(w.webhook_id, w);
  }
  const createdAt = iso(deps.clock.now());
  const deliveries: DeliveryRecord[] = [];
  for (const event of events) {
    for (const w of byTenant.get(event.tenant_id) ?? []) {
      if (!wantsEvent(w.events, event.event_type)) continue;
      const id = deliveryIdFor(event.event_id, w.webhook_id);
      deliveries.push({
        delivery_id: id,
        tenant_id: event.tenant_id,
        webhook_id: w.webhook_id,
        event_id: event.event_id,
        event_type: event.event_type,
        body: deliveryBody(event, id, w.webhook_id),
        status: 'pending',
        attempts: [],
        attempt_count: 0,
        last_error: null,
        created_at: createdAt,
        updated_at: createdAt,
        completed_at: null,
      });
    }
  }
  const existing = trusted ? new Set<string>() : await deps.stores.deliveries.existing(deliveries.map((d) => d.delivery_id));
  const fresh = deliveries.filter((d) => !existing.has(d.delivery_id));
  // Checked after every read and pause: the writes and attempts below must happen while this process
  // still holds the lease, or another process's check-then-write could interleave with them.
  const deadline = await fence.writeDeadline();
  if (deadline === undefined || (trusted && fence.heldSince?.() !== handed.tenure)) return NOT_LEADER;
  // From here deliveries of these rows may be written: a handed copy of one must not skip the check.
  if (memory) for (const r of rows) memory.touched.add(r.key);
  deps.metrics.fanoutEvents.inc({ source: trusted ? 'handed' : 'outbox' }, events.length);
  const writeAt = deps.clock.now();
  // Fast path only when the lease leaves room for a whole attempt and its record (attemptDelivery checks
  // again right before sending, against the same deadline).
  const fast = handoff && deadline - writeAt >= deps.config.WEBHOOK_TIMEOUT_MS * 1.5 ? fresh.slice(0, Math.max(0, handoff.room())) : [];
  const rest = fresh.slice(fast.length);
  // Queued items are due at once, so never sent again blind: a copy landing after a worker took one
  // would put it back (see no-blind-resend.ts). A write whose outcome is unknown fails the pass, and
  // the row's next read finds which deliveries are stored.
  if (rest.length > 0) await deps.stores.deliveries.putAll(rest.map((d) => queuedItem(d, writeAt)), AbortSignal.timeout(Math.max(0, Math.floor(deadline - writeAt))), { noBlindResend: true });
  const attempts = fast.length > 0 ? attemptAll(deps, handoff!, fast, webhooks, deadline) : Promise.resolve([]);
  // Under the loop (`inProgress`) every pass finishes in the background: its fast attempts, and the
  // removal of its rows, which then waits to share a call with other passes' (one call per pass was
  // a tenth of the server's CPU per event at a few events per pass).
  const background = inProgress !== undefined;
  const finish = async (): Promise<FanoutPass> => {
    const recorded = await attempts;
    const missed = fast.filter((_, i) => !recorded[i]);
    if (missed.length > 0) {
      // Every fast attempt is over or can no longer send or write (its deadline passed), so queueing
      // the unrecorded ones now can at worst repeat a finished attempt, never run beside one.
      const again = await fence.writeDeadline();
      if (again === undefined) return { ...NOT_LEADER, enqueued: fresh.length - missed.length };
      const at = deps.clock.now();
      await deps.stores.deliveries.putAll(missed.map((d) => queuedItem(d, at)), AbortSignal.timeout(Math.max(0, Math.floor(again - at))), { noBlindResend: true });
    }
    await deps.beforeStep?.('fanout', 'before_ack');
    // Rows handed in part stay for a read to redo whole (the rest of their events may not be done).
    const handled = rows.filter((r) => r.whole).map((r) => r.key);
    if (handled.length > 0) {
      if (!memory?.remover) await deps.stores.outbox.remove('fanout', handled);
      else {
        const removed = memory.remover.removeSoon(handled);
        // Only a pass finishing in the background waits for others to share its call; one the caller
        // waits on sends at once (with whatever else waits).
        if (!background) memory.remover.flush();
        await removed;
      }
    }
    return { rows: events.length, enqueued: fresh.length, queuedDue: rest.length + missed.length, leader: true, next };
  };
  if (!inProgress) return finish();
  for (const r of rows) inProgress.add(r.key);
  const finishing = finish().finally(() => {
    for (const r of rows) inProgress.delete(r.key);
  });
  return { rows: events.length, enqueued: fresh.length, queuedDue: rest.length, leader: true, next, finishing };
}

/** Outbox rows as a pass works on them: whole, oldest first, after `after` if given. */
async function readRows(deps: WorkerDeps, limit: number, after?: string): Promise<{ rows: PassRow[]; more: boolean }> {
  const page = await deps.stores.outbox.readPage('fanout', limit, after);
  return { rows: page.rows.map((r) => ({ key: r.event_id, events: r.events, ...(r.reveal ? { reveal: r.reveal } : {}), whole: true })), more: page.more };
}

/**
 * Hands every fast delivery to the process and waits until each is recorded or not — at most until
 * the fan-out lease's write deadline. Attempts not started by then never start; one started earlier
 * had at least 1.5 timeouts of lease left when it did, so its send is over and its record can no
 * longer be sent (both check the same deadline).
 */
async function attemptAll(deps: WorkerDeps, handoff: Handoff, fast: DeliveryRecord[], webhooks: Map<string, WebhookRecord>, deadline: number): Promise<boolean[]> {
  const results = fast.map(() => false);
  const revoke = new AbortController();
  // Each attempt listens for the revocation until it starts: one listener per fast delivery, by design.
  setMaxListeners(fast.length + 1, revoke.signal);
  const all = Promise.all(
    fast.map((delivery, i) =>
      handoff.attempt({ delivery, token: '', leaseUntil: deadline, fresh: true }, webhooks.get(delivery.webhook_id)!, revoke.signal).then((ok) => {
        results[i] = ok;
      }),
    ),
  );
  let timer: NodeJS.Timeout | undefined;
  const cutoff = new Promise<void>((r) => (timer = setTimeout(r, Math.max(0, deadline - deps.clock.now()))));
  await Promise.race([all, cutoff]);
  clearTimeout(timer);
  revoke.abort();
  return [...results];
}

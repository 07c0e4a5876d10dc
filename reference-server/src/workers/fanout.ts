// Webhook fan-out: reads the outbox oldest first, creates one delivery per matching active webhook
// (ids derived from event and webhook), then deletes the outbox rows. Deliveries that already exist
// (a batch redone after a crash) are found with one BatchGetItem and left alone; the missing ones are
// written with BatchWriteItem, which only the holder of the fan-out lease may do, and only before the
// lease's write deadline. Redoing a batch creates nothing twice: at-least-once fan-out, exactly once
// in effect.
import { iso } from '../domain/clock.js';
import { deliveryIdFor, type DeliveryRecord } from '../domain/delivery.js';
import { eventView, type EventRecord } from '../domain/event.js';
import { wantsEvent, type WebhookRecord } from '../domain/webhook.js';
import { queuedItem, type Lease } from '../store/delivery-items.js';
import type { WorkerDeps } from './worker-deps.js';

/** Outbox rows read per fan-out pass. */
export const FANOUT_BATCH = 100;

/** The body every attempt of a delivery sends: the event plus delivery metadata. */
export function deliveryBody(event: EventRecord, deliveryId: string, webhookId: string): string {
  return JSON.stringify({ type: event.event_type, delivery_id: deliveryId, webhook_id: webhookId, timestamp: event.created_at, data: eventView(event) });
}

/** Where fan-out hands deliveries it created already leased (the in-process fast path). */
export interface Handoff {
  /** How many more leased deliveries the process can take now. */
  room(): number;
  take(lease: Lease, webhook: WebhookRecord | undefined): void;
}

/** The fan-out lease as fan-out sees it: until when (on deps.clock) its unconditional writes may be sent. */
export interface WriteFence {
  writeDeadline(): Promise<number | undefined>;
}

/**
 * Processes one batch of the outbox; returns the rows handled and how many deliveries it created.
 * Does nothing (`leader: false`) while another process holds the fan-out lease, and leaves the batch
 * to be redone if the lease ran short before its deliveries could be written.
 */
export async function fanOutOnce(deps: WorkerDeps, fence: WriteFence, handoff?: Handoff): Promise<{ rows: number; enqueued: number; leader: boolean }> {
  if ((await fence.writeDeadline()) === undefined) return { rows: 0, enqueued: 0, leader: false };
  const rows = await deps.stores.outbox.read('fanout', FANOUT_BATCH);
  if (rows.length === 0) {
    deps.metrics.fanoutLag.set(0);
    return { rows: 0, enqueued: 0, leader: true };
  }
  await deps.beforeStep?.('fanout', 'batch');
  const oldest = rows[0]!.event.created_at;
  deps.metrics.fanoutLag.set(Math.max(0, (deps.clock.now() - Date.parse(oldest)) / 1000));

  const byTenant = new Map<string, WebhookRecord[]>();
  const webhooks = new Map<string, WebhookRecord>();
  for (const tenant of new Set(rows.map((r) => r.event.tenant_id))) {
    const active = await deps.stores.webhooks.activeFor(tenant);
    byTenant.set(tenant, active);
    for (const w of active) webhooks.set(w.webhook_id, w);
  }
  const now = deps.clock.now();
  const deliveries: DeliveryRecord[] = [];
  for (const { event } of rows) {
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
        created_at: iso(now),
        updated_at: iso(now),
        completed_at: null,
      });
    }
  }
  const existing = await deps.stores.deliveries.existing(deliveries.map((d) => d.delivery_id));
  const fresh = deliveries.filter((d) => !existing.has(d.delivery_id));
  // Checked after every read and pause: the writes below must land while this process still holds
  // the lease, or another process's check-then-write could interleave with them.
  const deadline = await fence.writeDeadline();
  if (deadline === undefined) return { rows: 0, enqueued: 0, leader: false };
  const writeAt = deps.clock.now();
  const leaseUntil = writeAt + deps.config.WEBHOOK_VISIBILITY_TIMEOUT_MS;
  // Fast path: as many as the process has room for are created leased to it and attempted at once;
  // the rest are created due now, for any worker.
  const leased = fresh.slice(0, Math.max(0, handoff?.room() ?? 0)).map((delivery) => ({ delivery, token: deps.token(), leaseUntil }));
  const items = [
    ...leased.map((l) => queuedItem(l.delivery, leaseUntil, l.token)),
    ...fresh.slice(leased.length).map((d) => queuedItem(d, writeAt)),
  ];
  await deps.stores.deliveries.putAll(items, AbortSignal.timeout(Math.max(0, Math.floor(deadline - writeAt))));
  for (const lease of leased) handoff!.take(lease, webhooks.get(lease.delivery.webhook_id));
  await deps.beforeStep?.('fanout', 'before_ack');
  await deps.stores.outbox.remove('fanout', rows.map((r) => r.event_id));
  return { rows: rows.length, enqueued: fresh.length, leader: true };
}

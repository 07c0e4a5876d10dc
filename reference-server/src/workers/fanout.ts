// Webhook fan-out: reads the outbox oldest first, creates one delivery per matching active webhook
// (ids derived from event and webhook, conditional writes), then deletes the outbox rows. Redoing a
// batch after a crash creates nothing twice, so the outbox gives at-least-once fan-out, exactly once
// in effect.
import { iso } from '../domain/clock.js';
import { deliveryIdFor, type DeliveryRecord } from '../domain/delivery.js';
import { eventView, type EventRecord } from '../domain/event.js';
import { wantsEvent, type WebhookRecord } from '../domain/webhook.js';
import type { Lease } from '../store/deliveries-store.js';
import type { WorkerDeps } from './worker-deps.js';

/** Outbox rows read per fan-out pass. */
export const FANOUT_BATCH = 100;

/** The body every attempt of a delivery sends: the event plus delivery metadata. */
export function deliveryBody(event: EventRecord, deliveryId: string, webhookId: string): string {
  return JSON.stringify({ type: event.event_type, delivery_id: deliveryId, webhook_id: webhookId, timestamp: event.created_at, data: eventView(event) });
}

/** Where fan-out hands deliveries it created already leased (the in-process fast path). */
export interface Handoff {
  hasRoom(): boolean;
  take(lease: Lease, webhook: WebhookRecord | undefined): void;
}

/** Processes one batch of the outbox; returns how many deliveries it created (≥ 0) and rows handled. */
export async function fanOutOnce(deps: WorkerDeps, handoff?: Handoff): Promise<{ rows: number; enqueued: number }> {
  const rows = await deps.stores.outbox.read('fanout', FANOUT_BATCH);
  if (rows.length === 0) {
    deps.metrics.fanoutLag.set(0);
    return { rows: 0, enqueued: 0 };
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
  const leaseUntil = now + deps.config.WEBHOOK_VISIBILITY_TIMEOUT_MS;
  const created = await Promise.all(
    deliveries.map(async (d) => {
      // Fast path: create it leased to this process and attempt it at once, if there is room.
      const token = handoff?.hasRoom() ? deps.token() : undefined;
      const fresh = await deps.stores.deliveries.enqueue(d, token ? leaseUntil : now, token);
      if (fresh && token) handoff!.take({ delivery: d, token, leaseUntil }, webhooks.get(d.webhook_id));
      return fresh;
    }),
  );
  await deps.beforeStep?.('fanout', 'before_ack');
  await deps.stores.outbox.remove('fanout', rows.map((r) => r.event_id));
  return { rows: rows.length, enqueued: created.filter(Boolean).length };
}

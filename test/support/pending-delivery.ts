// A delivery record as fan-out creates it (pending, no attempts yet), for tests that hand deliveries to
// the delivery loop or the store directly.
import { deliveryIdFor, type DeliveryRecord } from '../../reference-server/src/domain/delivery.js';

/** A new pending delivery of event `eventId` to `webhookId`, created at ISO time `at`; `body` defaults to a small order event. */
export function pendingDelivery(opts: { tenantId: string; webhookId: string; eventId: string; at: string; body?: string }): DeliveryRecord {
  const id = deliveryIdFor(opts.eventId, opts.webhookId);
  return {
    delivery_id: id,
    tenant_id: opts.tenantId,
    webhook_id: opts.webhookId,
    event_id: opts.eventId,
    event_type: 'order.created',
    body: opts.body ?? JSON.stringify({ type: 'order.created', delivery_id: id }),
    status: 'pending',
    attempts: [],
    attempt_count: 0,
    last_error: null,
    created_at: opts.at,
    updated_at: opts.at,
    completed_at: null,
  };
}

// The stored shape of a delivery, as pure functions: the item fan-out creates, and the whole item a
// lease holder writes to settle an attempt. Whole items are what BatchWriteItem can carry; they equal
// what the conditional UpdateItem in DeliveriesStore.settle produces from the same starting item.
import type { AttemptRecord, DeliveryRecord, DeliveryStatus } from '../domain/delivery.js';

/** `due_queue` value of a delivery waiting for an attempt (the due index's only partition). */
export const DUE = 'due';

/** What a settle records: an attempt (optional), then a retry time or a final status (or, conditionally, neither). */
export interface SettleNext {
  attempt?: AttemptRecord;
  retryAt?: number;
  status?: Exclude<DeliveryStatus, 'pending'>;
  error?: string | null;
  at: string;
}

/** A settle that moves the delivery on: to a retry time or to a final status. */
export type SettleStep = SettleNext & ({ retryAt: number } | { status: Exclude<DeliveryStatus, 'pending'> });

/**
 * A delivery held by one worker until `leaseUntil`. A `fresh` lease is a delivery fan-out has not
 * stored yet: the fan-out lease fences it, `leaseUntil` is that lease's write deadline, and its first
 * record is written whole, already in its outcome state.
 */
export interface Lease {
  delivery: DeliveryRecord;
  token: string;
  leaseUntil: number;
  fresh?: boolean;
}

/** The item of a new delivery, due at `dueAt`; with `leaseToken` it starts leased to that token until `dueAt`. */
export function queuedItem(d: DeliveryRecord, dueAt: number, leaseToken?: string): Record<string, unknown> {
  return {
    ...d,
    due_queue: DUE,
    next_attempt_at: dueAt,
    created_key: `${d.created_at}#${d.delivery_id}`,
    ...(leaseToken ? { lease_token: leaseToken } : {}),
  };
}

/**
 * The whole item after settling `lease` with `next`, from the copy the holder read or wrote when it
 * took the lease (nobody else writes a leased delivery, so that copy is the stored one).
 */
export function settledItem(lease: Lease, next: SettleStep): Record<string, unknown> {
  const d = lease.delivery;
  // Named field by field rather than copied and pruned: the queue attributes (due_queue,
  // next_attempt_at, lease_token) the leased copy carries must not survive a final status.
  const item: Record<string, unknown> = {
    delivery_id: d.delivery_id,
    tenant_id: d.tenant_id,
    webhook_id: d.webhook_id,
    event_id: d.event_id,
    event_type: d.event_type,
    body: d.body,
    status: next.status ?? d.status,
    attempts: next.attempt ? [...(d.attempts ?? []), next.attempt] : (d.attempts ?? []),
    attempt_count: d.attempt_count + (next.attempt ? 1 : 0),
    last_error: next.error ?? null,
    created_at: d.created_at,
    updated_at: next.at,
    completed_at: next.retryAt === undefined ? next.at : d.completed_at,
    created_key: `${d.created_at}#${d.delivery_id}`,
    // Which lease settled it: a conditional settle's resend reads it to know its own write.
    settled_by: lease.token,
    // Kept for a replay's requeue whose resend may still come (see DeliveriesStore.requeue).
    ...(d.requeued_by === undefined ? {} : { requeued_by: d.requeued_by }),
  };
  if (next.retryAt !== undefined) {
    item.due_queue = DUE;
    item.next_attempt_at = next.retryAt;
  }
  return item;
}

// Attempts one leased delivery: checks the webhook still wants it, sends the attempt, and records
// delivered / retry(at) / dead letter — only while still holding the lease. Delivered and retry are
// written as whole items through the shared batch while the lease has a safe margin left (fenced by
// time, see delivery-fence.ts), and with the conditional update otherwise; the rare outcomes with
// side effects (dead letter, cancelled) always use the conditional update. A fresh lease (a delivery
// fan-out has not stored yet) is written once, whole, in its outcome state, before the fan-out
// lease's write deadline; past it nothing is written and fan-out redoes the delivery.
import { iso } from '../domain/clock.js';
import { classOfStatus, decideAttempt, type AttemptRecord } from '../domain/delivery.js';
import type { WebhookRecord } from '../domain/webhook.js';
import { settledItem, type Lease, type SettleStep } from '../store/delivery-items.js';
import type { DeliveryWriteCoalescer } from '../store/delivery-write-coalescer.js';
import { fenceMargins, fencedDeadline } from './delivery-fence.js';
import { sendWebhook } from '../delivery/send-webhook.js';
import type { WorkerDeps } from './worker-deps.js';

/** What the runtime lends an attempt: the shared settle batch, and a callback once the send is over. */
export interface AttemptContext {
  /** Settles go through this batch when the lease allows; without it, every settle is conditional. */
  batch?: DeliveryWriteCoalescer;
  /** Called once the HTTP attempt is over (or will not happen), so its slot can serve another. */
  sent?: () => void;
  /** Told how a sent attempt ended: `unreachable` for a timeout or a connection error. */
  answered?: (unreachable: boolean) => void;
}

// Decrypted webhook secrets per secret box, by sealed text: a secret change seals a new text, so an
// entry never goes stale; bounded so deleted webhooks cannot grow it without limit. Saves an AES-GCM
// open per attempt.
const openedBy = new WeakMap<WorkerDeps['secretBox'], Map<string, string>>();
const SECRETS_KEPT = 1_000;

function openSecret(deps: WorkerDeps, sealed: string): string {
  let secrets = openedBy.get(deps.secretBox);
  if (!secrets) openedBy.set(deps.secretBox, (secrets = new Map()));
  let secret = secrets.get(sealed);
  if (secret === undefined) {
    secret = deps.secretBox.open(sealed);
    if (secrets.size >= SECRETS_KEPT) secrets.clear();
    secrets.set(sealed, secret);
  }
  return secret;
}

/**
 * Attempts a leased delivery and settles it; never throws for expected outcomes. Resolves `true` once
 * the outcome is certainly recorded, `false` when it was not (lease lost or too short, write failed).
 */
export async function attemptDelivery(deps: WorkerDeps, lease: Lease, known?: WebhookRecord, ctx: AttemptContext = {}): Promise<boolean> {
  const { delivery } = lease;
  const { stores, clock, config, metrics } = deps;
  // Fan-out's fast path passes the webhook it just read; otherwise read it now, so URL changes apply.
  const webhook = known ?? (await stores.webhooks.getAny(delivery.webhook_id));
  if (!webhook || !webhook.is_active) {
    ctx.sent?.();
    const next = { status: 'cancelled', error: webhook ? 'webhook disabled' : 'webhook deleted', at: iso(clock.now()) } as const;
    const done = lease.fresh ? await writeFresh(deps, settledItem(lease, next), lease.leaseUntil, ctx.batch) : await stores.deliveries.settle(lease, next);
    metrics.deliveries.inc({ outcome: 'cancelled' });
    return done;
  }
  const maxAttempts = deps.timing.schedule.length + 1;
  const attempt = delivery.attempt_count + 1;
  if (attempt > maxAttempts) {
    ctx.sent?.();
    // A worker died between dead-lettering and settling: finish the move without sending again.
    return deadLetter(deps, lease, 'attempts exhausted', undefined, false);
  }
  await deps.beforeStep?.('delivery', 'send');
  // Checked after every pause, right before sending: never start an attempt the lease might not
  // outlive, or another worker could send the same delivery at the same time.
  // (For a fresh lease the same check leaves half a timeout after the attempt to send its record.)
  if (lease.leaseUntil - clock.now() < config.WEBHOOK_TIMEOUT_MS * 1.5) {
    ctx.sent?.();
    return false;
  }

  const sent = await sendWebhook({
    url: webhook.url,
    secret: openSecret(deps, webhook.secret_enc),
    messageId: delivery.delivery_id,
    body: delivery.body,
    attempt,
    nowMs: clock.now(),
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    dispatcher: deps.dispatcher,
  });
  ctx.sent?.();
  const now = clock.now();
  const statusCode = sent.result.kind === 'response' ? sent.result.statusCode : null;
  const errorClass = sent.result.kind === 'response' ? classOfStatus(sent.result.statusCode) : sent.result.errorClass;
  const record: AttemptRecord = {
    attempt,
    at: iso(now),
    status_code: statusCode,
    latency_ms: Math.round(sent.latencyMs * 10) / 10,
    success: errorClass === null,
    error_class: errorClass,
    error: sent.result.kind === 'error' ? sent.result.message : null,
    response_body: sent.responseBody,
  };
  ctx.answered?.(errorClass === 'timeout' || errorClass === 'connection');
  metrics.attemptDuration.observe({ result: errorClass ?? 'success' }, sent.latencyMs / 1000);
  deps.onAttempt?.(delivery.tenant_id, errorClass === null);
  await deps.beforeStep?.('delivery', 'settle');

  const decision = decideAttempt(sent.result, attempt, now, deps.random, deps.timing);
  if (decision.outcome === 'delivered') {
    if (!(await settle(deps, lease, { attempt: record, status: 'delivered', at: iso(now) }, ctx.batch))) return false;
    metrics.deliveries.inc({ outcome: 'delivered' });
    if (webhook.consecutive_failures > 0) await stores.webhooks.recordSuccess(webhook.webhook_id);
    return true;
  }
  if (decision.outcome === 'retry') {
    if (!(await settle(deps, lease, { attempt: record, retryAt: decision.at, error: decision.reason, at: iso(now) }, ctx.batch))) return false;
    metrics.deliveries.inc({ outcome: 'retry' });
    return true;
  }
  return deadLetter(deps, lease, decision.reason, record, decision.disableWebhook);
}

/**
 * Records `next` if the lease is still held: through the batch while the lease leaves at least the
 * admit margin (the batch gives up at the guard margin), conditionally otherwise or if the batched
 * write did not certainly land. `false` when the lease was lost (or the batched write landed unseen).
 */
export async function settle(deps: WorkerDeps, lease: Lease, next: SettleStep, batch?: DeliveryWriteCoalescer): Promise<boolean> {
  if (lease.fresh) {
    if (next.retryAt === undefined || fencedDeadline(next.retryAt, deps.clock.now(), margins(deps)) !== undefined) {
      return writeFresh(deps, settledItem(lease, next), fenceEnd(deps, lease, next), batch);
    }
    return createFresh(deps, lease, settledItem(lease, next));
  }
  const deadline = batch && fencedDeadline(fenceEnd(deps, lease, next), deps.clock.now(), margins(deps));
  if (deadline !== undefined && (await batch!.put(settledItem(lease, next), deadline))) return true;
  return deps.stores.deliveries.settle(lease, next);
}

const margins = (deps: WorkerDeps) => fenceMargins(deps.config.WEBHOOK_VISIBILITY_TIMEOUT_MS);

/**
 * Until when a settle's record may be written unconditionally: while nobody else can take the
 * delivery. That is the lease's end, or for a retry the retry time, when the record itself makes the
 * delivery due again: a resend landing after another worker took it would bring back this attempt's
 * state over that worker's lease and record (a third send, or two at once, and a lost history).
 * A fresh lease's end is already its write deadline; others leave the guard margin.
 */
function fenceEnd(deps: WorkerDeps, lease: Lease, next: SettleStep): number {
  if (lease.fresh) return next.retryAt === undefined ? lease.leaseUntil : Math.min(lease.leaseUntil, next.retryAt - margins(deps).guardMs);
  return next.retryAt === undefined ? lease.leaseUntil : Math.min(lease.leaseUntil, next.retryAt);
}

/**
 * Writes the first record of a fresh delivery before `deadline` (the fan-out lease's write deadline):
 * through the batch when there is one, else on its own. `false` if it was too late or may not have
 * landed; fan-out then queues the delivery again or leaves its outbox row to be redone.
 */
async function writeFresh(deps: WorkerDeps, item: Record<string, unknown>, deadline: number, batch?: DeliveryWriteCoalescer): Promise<boolean> {
  const left = Math.floor(deadline - deps.clock.now());
  if (left <= 0) return false;
  if (batch) return batch.put(item, deadline);
  return deps.stores.deliveries.putAll([item], AbortSignal.timeout(left)).then(
    () => true,
    () => false,
  );
}

/** Moves a delivery to the DLQ: the entry first (idempotent), then the delivery's final state; `true` once that is recorded. */
async function deadLetter(deps: WorkerDeps, lease: Lease, reason: string, record: AttemptRecord | undefined, disable: boolean): Promise<boolean> {
  const { delivery } = lease;
  const at = iso(deps.clock.now());
  await deps.stores.dlq.put({
    tenant_id: delivery.tenant_id,
    delivery_id: delivery.delivery_id,
    webhook_id: delivery.webhook_id,
    event_id: delivery.event_id,
    event_type: delivery.event_type,
    reason,
    attempts: delivery.attempt_count + (record ? 1 : 0),
    dead_at: at,
  });
  const next = { attempt: record, status: 'dead', error: reason, at } as const;
  if (!(await (lease.fresh ? createFresh(deps, lease, settledItem(lease, next)) : deps.stores.deliveries.settle(lease, next)))) return false;
  deps.metrics.deliveries.inc({ outcome: 'dead_letter' });
  if (disable) await deps.stores.webhooks.disable(delivery.webhook_id, reason, at);
  else await deps.stores.webhooks.recordExhausted(delivery.webhook_id, deps.config.WEBHOOK_DISABLE_AFTER, at, `${delivery.delivery_id}@${at}`);
  deps.logger.warn({ delivery_id: delivery.delivery_id, webhook_id: delivery.webhook_id, reason }, 'delivery dead-lettered');
  return true;
}

/**
 * A fresh delivery's record, created conditionally: a dead record, so the side effects that follow
 * (disable, exhausted count) run only when it certainly landed, and a retry due too soon to fence its
 * resends by time. Sent only before the fan-out lease's deadline. A create that did not report
 * success may still be this one's: a resend of a create that landed fails its condition, and the
 * record then names this lease (`settled_by`) with this outcome.
 */
async function createFresh(deps: WorkerDeps, lease: Lease, item: Record<string, unknown>): Promise<boolean> {
  const left = Math.floor(lease.leaseUntil - deps.clock.now());
  if (left <= 0) return false;
  if (await deps.stores.deliveries.create(item, AbortSignal.timeout(left)).catch(() => false)) return true;
  const stored = await deps.stores.deliveries.get(lease.delivery.delivery_id).catch(() => undefined);
  return stored?.settled_by === lease.token && stored.status === item.status && stored.attempt_count === item.attempt_count;
}

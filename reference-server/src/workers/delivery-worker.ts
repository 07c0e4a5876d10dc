// Processes one leased delivery: checks the webhook still wants it, sends the attempt, and records
// delivered / retry(at) / dead letter — only while still holding the lease.
import { iso } from '../domain/clock.js';
import { classOfStatus, decideAttempt, type AttemptRecord } from '../domain/delivery.js';
import type { WebhookRecord } from '../domain/webhook.js';
import type { Lease } from '../store/deliveries-store.js';
import { sendWebhook } from './send-webhook.js';
import type { WorkerDeps } from './worker-deps.js';

/** Attempts a leased delivery and settles it; never throws for expected outcomes. */
export async function processLease(deps: WorkerDeps, lease: Lease, known?: WebhookRecord): Promise<void> {
  const { delivery } = lease;
  const { stores, clock, config, metrics } = deps;
  // Fan-out's fast path passes the webhook it just read; otherwise read it now, so URL changes apply.
  const webhook = known ?? (await stores.webhooks.getAny(delivery.webhook_id));
  if (!webhook || !webhook.is_active) {
    await stores.deliveries.settle(lease, { status: 'cancelled', error: webhook ? 'webhook disabled' : 'webhook deleted', at: iso(clock.now()) });
    metrics.deliveries.inc({ outcome: 'cancelled' });
    return;
  }
  const maxAttempts = deps.timing.schedule.length + 1;
  const attempt = delivery.attempt_count + 1;
  if (attempt > maxAttempts) {
    // A worker died between dead-lettering and settling: finish the move without sending again.
    await deadLetter(deps, lease, 'attempts exhausted', undefined, false);
    return;
  }
  await deps.beforeStep?.('delivery', 'send');
  // Checked after every pause, right before sending: never start an attempt the lease might not
  // outlive, or another worker could send the same delivery at the same time.
  if (lease.leaseUntil - clock.now() < config.WEBHOOK_TIMEOUT_MS * 1.5) return;

  const sent = await sendWebhook({
    url: webhook.url,
    secret: deps.secretBox.open(webhook.secret_enc),
    messageId: delivery.delivery_id,
    body: delivery.body,
    attempt,
    nowMs: clock.now(),
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    dispatcher: deps.dispatcher,
  });
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
  metrics.attemptDuration.observe({ result: errorClass ?? 'success' }, sent.latencyMs / 1000);
  await deps.beforeStep?.('delivery', 'settle');

  const decision = decideAttempt(sent.result, attempt, now, deps.random, deps.timing);
  if (decision.outcome === 'delivered') {
    if (await stores.deliveries.settle(lease, { attempt: record, status: 'delivered', at: iso(now) })) {
      metrics.deliveries.inc({ outcome: 'delivered' });
      if (webhook.consecutive_failures > 0) await stores.webhooks.recordSuccess(webhook.webhook_id);
    }
  } else if (decision.outcome === 'retry') {
    if (await stores.deliveries.settle(lease, { attempt: record, retryAt: decision.at, error: decision.reason, at: iso(now) })) {
      metrics.deliveries.inc({ outcome: 'retry' });
    }
  } else {
    await deadLetter(deps, lease, decision.reason, record, decision.disableWebhook);
  }
}

/** Moves a delivery to the DLQ: the entry first (idempotent), then the delivery's final state. */
async function deadLetter(deps: WorkerDeps, lease: Lease, reason: string, record: AttemptRecord | undefined, disable: boolean): Promise<void> {
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
  if (!(await deps.stores.deliveries.settle(lease, { attempt: record, status: 'dead', error: reason, at }))) return;
  deps.metrics.deliveries.inc({ outcome: 'dead_letter' });
  if (disable) await deps.stores.webhooks.disable(delivery.webhook_id, reason, at);
  else await deps.stores.webhooks.recordExhausted(delivery.webhook_id, deps.config.WEBHOOK_DISABLE_AFTER, at);
  deps.logger.warn({ delivery_id: delivery.delivery_id, webhook_id: delivery.webhook_id, reason }, 'delivery dead-lettered');
}

// Webhook delivery routes: per-webhook delivery history and metrics, the dead-letter queue, and
// replays (one dead delivery, or every failed delivery of a window) — scoped to the caller's tenant.
import { Router } from 'express';
import { z } from 'zod';
import { iso } from '../domain/clock.js';
import { encodeCursor } from '../domain/cursor.js';
import { ApiError } from './api-error.js';
import { requireApiKey, requireScope, tenantOf } from './auth.js';
import type { AppDeps } from './app-deps.js';
import { Page, WEBHOOK_ID, auditFor, cursorParam, invalidCursor, loadWebhook } from './webhook-route-helpers.js';
import { deliveryIdOfDeadKey } from '../store/dlq-store.js';
import { deliveryView, webhookMetrics } from './webhook-views.js';
import { validate } from './validate.js';
import type { WebhookRecord } from '../domain/webhook.js';

const DeliveriesQuery = z.strictObject({
  ...Page,
  status: z.enum(['pending', 'delivered', 'dead', 'cancelled']).optional(),
  // Oldest first by default; a history view asks for the newest, which the first page would otherwise never reach.
  order: z.enum(['asc', 'desc']).default('asc'),
});
const MetricsQuery = z.strictObject({ period_hours: z.coerce.number().int().min(1).max(720).default(24) });
const DlqQuery = z.strictObject({
  ...Page,
  webhook_id: z.string().regex(WEBHOOK_ID).optional(),
  // By when each entry died: oldest first by default, `desc` for the newest first.
  order: z.enum(['asc', 'desc']).default('asc'),
});
const ReplayBody = z.strictObject({ since: z.iso.datetime(), until: z.iso.datetime() }).refine((b) => b.since <= b.until, {
  message: 'since must not be after until',
  path: ['since'],
});

/** Mounted before the management router, so `/v1/webhooks/dlq` is never read as a webhook id. */
export function webhookDeliveriesRouter(deps: AppDeps): Router {
  const { stores, clock } = deps;
  const router = Router();
  const audit = auditFor(deps);
  const load = (tenantId: string, id: string) => loadWebhook(deps, tenantId, id);
  router.use('/v1/webhooks', requireApiKey(deps.authenticator), requireScope('webhooks:manage'));

  router.get('/v1/webhooks/dlq', async (req, res) => {
    const q = validate(DlqQuery, req.query, 'query');
    const after = cursorParam(q.cursor);
    if (after !== undefined && deliveryIdOfDeadKey(after) === undefined) throw invalidCursor();
    const page = await stores.dlq.list(tenantOf(res), { limit: q.limit, after, webhookId: q.webhook_id, newestFirst: q.order === 'desc' });
    res.json({ entries: page.entries, next_cursor: page.last ? encodeCursor(page.last) : null, has_more: page.last !== undefined });
  });

  router.post('/v1/webhooks/dlq/:deliveryId/replay', async (req, res) => {
    const tenantId = tenantOf(res);
    const id = String(req.params.deliveryId);
    const entry = /^dlv_[0-9a-f]{26}$/.test(id) ? await stores.dlq.get(tenantId, id) : undefined;
    if (!entry) throw ApiError.notFound('dead-lettered delivery');
    const hook = await stores.webhooks.get(tenantId, entry.webhook_id);
    if (hook) refuseWhileDisabled(hook);
    if (!(await stores.deliveries.requeue(id, clock.now(), iso(clock.now()), deps.ids.next('req')))) {
      // Not dead, so nothing is requeued and the entry read stays: it may be a new dead-lettering's,
      // written before its dead state (a retried replay meets one). Pending, the delivery is in the
      // queue, as the first replay left it. Delivered or cancelled, the entry was left by a
      // dead-lettering whose second write failed: it goes, as the sweep would remove it.
      const status = (await stores.deliveries.get(id))?.status;
      if (status !== 'pending' && status !== 'dead') {
        await stores.dlq.remove(tenantId, id, entry.dead_at);
        throw ApiError.notFound('dead-lettered delivery');
      }
    } else {
      // Only the entry read above: if the requeued delivery died again meanwhile, its new entry stays.
      await stores.dlq.remove(tenantId, id, entry.dead_at);
    }
    deps.hooks?.onWorkAvailable?.();
    await audit(res, 'webhook.dlq.replay', id, { webhook_id: entry.webhook_id });
    res.status(202).json({ delivery_id: id, status: 'pending' });
  });

  router.get('/v1/webhooks/:id/deliveries', async (req, res) => {
    const w = await load(tenantOf(res), String(req.params.id));
    const q = validate(DeliveriesQuery, req.query, 'query');
    const page = await stores.deliveries.listByWebhook(w.webhook_id, { limit: q.limit, status: q.status, after: cursorParam(q.cursor), newestFirst: q.order === 'desc' });
    res.json({ deliveries: page.deliveries.map(deliveryView), next_cursor: page.last ? encodeCursor(page.last) : null, has_more: page.last !== undefined });
  });

  router.get('/v1/webhooks/:id/metrics', async (req, res) => {
    const w = await load(tenantOf(res), String(req.params.id));
    const q = validate(MetricsQuery, req.query, 'query');
    const since = iso(clock.now() - q.period_hours * 3_600_000);
    const page = await stores.deliveries.listByWebhook(w.webhook_id, { limit: 10_000, since });
    res.json({ webhook_id: w.webhook_id, period_hours: q.period_hours, ...webhookMetrics(page.deliveries) });
  });

  router.post('/v1/webhooks/:id/replay', async (req, res) => {
    const w = await load(tenantOf(res), String(req.params.id));
    const body = validate(ReplayBody, req.body);
    refuseWhileDisabled(w);
    const page = await stores.deliveries.listByWebhook(w.webhook_id, { limit: 10_000, status: 'dead', since: body.since, until: body.until });
    let replayed = 0;
    for (const d of page.deliveries) {
      // The entry as it is before the requeue: if the delivery dies again meanwhile, its new entry stays.
      const entry = await stores.dlq.get(d.tenant_id, d.delivery_id);
      // Not requeued (no longer dead): its entry stays, as in the single replay above.
      if (!(await stores.deliveries.requeue(d.delivery_id, clock.now(), iso(clock.now()), deps.ids.next('req')))) continue;
      replayed++;
      if (entry) await stores.dlq.remove(d.tenant_id, d.delivery_id, entry.dead_at);
    }
    if (replayed > 0) deps.hooks?.onWorkAvailable?.();
    await audit(res, 'webhook.replay', w.webhook_id, { since: body.since, until: body.until, replayed });
    res.status(202).json({ webhook_id: w.webhook_id, replayed });
  });

  return router;
}

/**
 * A disabled webhook's deliveries are cancelled, not sent: a replay would take dead letters out of the
 * DLQ only to cancel them, so it is refused until the webhook is enabled again.
 */
function refuseWhileDisabled(w: Pick<WebhookRecord, 'webhook_id' | 'is_active' | 'disabled_reason'>): void {
  if (w.is_active) return;
  const why = w.disabled_reason ? ` (${w.disabled_reason})` : '';
  throw new ApiError(409, 'conflict', `webhook ${w.webhook_id} is disabled${why}: enable it (PUT is_active: true), then replay; a replay now would be cancelled, not sent`);
}

// Webhooks API: registration and management, the synchronous test send, delivery history,
// per-webhook metrics, the DLQ and replays — all scoped to the caller's tenant.
import { Router } from 'express';
import { z } from 'zod';
import { iso } from '../domain/clock.js';
import { decodeCursor, encodeCursor } from '../domain/cursor.js';
import { parseWebhookSecret, generateWebhookSecret } from '../domain/webhook-signature.js';
import { validateWebhookUrl } from '../domain/ssrf-policy.js';
import { WebhookCreateSchema, WebhookUpdateSchema, webhookView, type WebhookRecord } from '../domain/webhook.js';
import { sendWebhook } from '../workers/send-webhook.js';
import { ApiError } from './api-error.js';
import { requireApiKey, requireScope, tenantOf } from './auth.js';
import type { AppDeps } from './app-deps.js';
import { deliveryView, webhookMetrics } from './webhook-views.js';
import { validate } from './validate.js';

const WEBHOOK_ID = /^whk_[0-9a-z]{26}$/;
const Page = { limit: z.coerce.number().int().min(1).max(100).default(50), cursor: z.string().max(1024).optional() };
const ListQuery = z.strictObject({ ...Page, is_active: z.enum(['true', 'false']).optional() });
const DeliveriesQuery = z.strictObject({ ...Page, status: z.enum(['pending', 'delivered', 'dead', 'cancelled']).optional() });
const MetricsQuery = z.strictObject({ period_hours: z.coerce.number().int().min(1).max(720).default(24) });
const DlqQuery = z.strictObject({ ...Page, webhook_id: z.string().regex(WEBHOOK_ID).optional() });
const ReplayBody = z.strictObject({ since: z.iso.datetime(), until: z.iso.datetime() }).refine((b) => b.since <= b.until, {
  message: 'since must not be after until',
  path: ['since'],
});

type Auditor = { record(entry: { action: string; actor: string; tenant_id?: string; target?: string; details?: Record<string, unknown> }): Promise<void> };

export function webhooksRouter(deps: AppDeps): Router {
  const { stores, clock, config } = deps;
  const router = Router();
  const production = config.NODE_ENV === 'production';
  const allowCidrs = config.WEBHOOK_ALLOW_CIDRS.split(',').map((s) => s.trim()).filter(Boolean);
  const audit = (res: { locals: Record<string, unknown> }, action: string, target: string, details?: Record<string, unknown>) =>
    (deps as AppDeps & { audit?: Auditor }).audit?.record({ action, actor: actorOf(res), tenant_id: tenantOf(res), target, details });

  router.use('/v1/webhooks', requireApiKey(deps.authenticator), requireScope('webhooks:manage'));

  const checkUrl = (url: string) => {
    const verdict = validateWebhookUrl(url, { production, allowCidrs });
    if (!verdict.ok) throw new ApiError(400, 'validation_error', `body.url: ${verdict.message}`, [{ field: 'body.url', message: verdict.message }]);
  };
  const sealSecret = (secret: string | undefined) => {
    if (secret !== undefined && parseWebhookSecret(secret) === undefined) {
      const message = 'secret must be whsec_ followed by base64 of 24–64 bytes';
      throw new ApiError(400, 'validation_error', `body.secret: ${message}`, [{ field: 'body.secret', message }]);
    }
    const plain = secret ?? generateWebhookSecret(deps.randomBytes);
    return { plain, sealed: deps.secretBox.seal(plain) };
  };
  const load = async (tenantId: string, id: string) => {
    const w = WEBHOOK_ID.test(id) ? await stores.webhooks.get(tenantId, id) : undefined;
    if (!w) throw ApiError.notFound('webhook');
    return w;
  };

  router.post('/v1/webhooks', async (req, res) => {
    const body = validate(WebhookCreateSchema, req.body);
    checkUrl(body.url);
    const secret = sealSecret(body.secret);
    const now = iso(clock.now());
    const active = body.is_active ?? true;
    const record: WebhookRecord = {
      webhook_id: deps.ids.next('whk'),
      tenant_id: tenantOf(res),
      url: body.url,
      events: body.events,
      description: body.description ?? null,
      is_active: active,
      active_key: active ? '1' : '0',
      secret_enc: secret.sealed,
      consecutive_failures: 0,
      disabled_reason: null,
      created_at: now,
      updated_at: now,
    };
    await stores.webhooks.create(record);
    await audit(res, 'webhook.create', record.webhook_id, { url: record.url, events: record.events });
    res.status(201).json({ ...webhookView(record), secret: secret.plain });
  });

  router.get('/v1/webhooks', async (req, res) => {
    const q = validate(ListQuery, req.query, 'query');
    const after = cursorParam(q.cursor);
    const page = await stores.webhooks.list(tenantOf(res), { active: q.is_active === undefined ? undefined : q.is_active === 'true', limit: q.limit, after });
    res.json({ webhooks: page.webhooks.map(webhookView), next_cursor: page.last ? encodeCursor(page.last) : null, has_more: page.last !== undefined });
  });

  router.get('/v1/webhooks/dlq', async (req, res) => {
    const q = validate(DlqQuery, req.query, 'query');
    const page = await stores.dlq.list(tenantOf(res), { limit: q.limit, after: cursorParam(q.cursor), webhookId: q.webhook_id });
    res.json({ entries: page.entries, next_cursor: page.last ? encodeCursor(page.last) : null, has_more: page.last !== undefined });
  });

  router.post('/v1/webhooks/dlq/:deliveryId/replay', async (req, res) => {
    const tenantId = tenantOf(res);
    const id = String(req.params.deliveryId);
    const entry = /^dlv_[0-9a-f]{26}$/.test(id) ? await stores.dlq.get(tenantId, id) : undefined;
    if (!entry) throw ApiError.notFound('dead-lettered delivery');
    await stores.deliveries.requeue(id, clock.now(), iso(clock.now()));
    await stores.dlq.remove(tenantId, id);
    deps.hooks?.onWorkAvailable?.();
    await audit(res, 'webhook.dlq.replay', id, { webhook_id: entry.webhook_id });
    res.status(202).json({ delivery_id: id, status: 'pending' });
  });

  router.get('/v1/webhooks/:id', async (req, res) => {
    res.json(webhookView(await load(tenantOf(res), String(req.params.id))));
  });

  router.put('/v1/webhooks/:id', async (req, res) => {
    const body = validate(WebhookUpdateSchema, req.body);
    const current = await load(tenantOf(res), String(req.params.id));
    if (body.url !== undefined) checkUrl(body.url);
    const secret = body.secret !== undefined ? sealSecret(body.secret) : undefined;
    const active = body.is_active ?? current.is_active;
    const reenabled = active && !current.is_active;
    const next: WebhookRecord = {
      ...current,
      url: body.url ?? current.url,
      events: body.events ?? current.events,
      description: body.description ?? current.description,
      is_active: active,
      active_key: active ? '1' : '0',
      secret_enc: secret?.sealed ?? current.secret_enc,
      consecutive_failures: reenabled ? 0 : current.consecutive_failures,
      disabled_reason: active ? null : (current.disabled_reason ?? 'disabled by the owner'),
      updated_at: iso(Math.max(clock.now(), Date.parse(current.updated_at) + 1)),
    };
    if (!(await stores.webhooks.replace(next, current.updated_at))) {
      throw new ApiError(409, 'conflict', 'the webhook changed meanwhile; read it again and retry');
    }
    await audit(res, 'webhook.update', next.webhook_id, { fields: Object.keys(body).filter((k) => k !== 'secret'), secret_rotated: secret !== undefined });
    res.json(webhookView(next));
  });

  router.delete('/v1/webhooks/:id', async (req, res) => {
    const w = await load(tenantOf(res), String(req.params.id));
    await stores.webhooks.delete(w.tenant_id, w.webhook_id);
    await audit(res, 'webhook.delete', w.webhook_id);
    res.status(204).end();
  });

  router.post('/v1/webhooks/:id/test', async (req, res) => {
    const w = await load(tenantOf(res), String(req.params.id));
    const messageId = `msg_test_${deps.ids.next('dlv').slice(4)}`;
    const body = JSON.stringify({ type: 'webhook.test', delivery_id: messageId, webhook_id: w.webhook_id, timestamp: iso(clock.now()), data: { test: true } });
    const sent = await sendWebhook({
      url: w.url,
      secret: deps.secretBox.open(w.secret_enc),
      messageId,
      body,
      attempt: 1,
      nowMs: clock.now(),
      timeoutMs: config.WEBHOOK_TIMEOUT_MS,
      dispatcher: deps.webhookDispatcher,
    });
    const statusCode = sent.result.kind === 'response' ? sent.result.statusCode : null;
    res.json({
      success: statusCode !== null && statusCode >= 200 && statusCode < 300,
      status_code: statusCode,
      latency_ms: Math.round(sent.latencyMs * 10) / 10,
      error_class: sent.result.kind === 'error' ? sent.result.errorClass : null,
      error: sent.result.kind === 'error' ? sent.result.message : null,
      response_body: sent.responseBody,
    });
  });

  router.get('/v1/webhooks/:id/deliveries', async (req, res) => {
    const w = await load(tenantOf(res), String(req.params.id));
    const q = validate(DeliveriesQuery, req.query, 'query');
    const page = await stores.deliveries.listByWebhook(w.webhook_id, { limit: q.limit, status: q.status, after: cursorParam(q.cursor) });
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
    const page = await stores.deliveries.listByWebhook(w.webhook_id, { limit: 10_000, status: 'dead', since: body.since, until: body.until });
    let replayed = 0;
    for (const d of page.deliveries) {
      if (await stores.deliveries.requeue(d.delivery_id, clock.now(), iso(clock.now()))) replayed++;
      await stores.dlq.remove(d.tenant_id, d.delivery_id);
    }
    if (replayed > 0) deps.hooks?.onWorkAvailable?.();
    await audit(res, 'webhook.replay', w.webhook_id, { since: body.since, until: body.until, replayed });
    res.status(202).json({ webhook_id: w.webhook_id, replayed });
  });

  return router;
}

function cursorParam(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const after = decodeCursor(cursor);
  if (after === undefined) throw new ApiError(400, 'validation_error', 'query.cursor: not a valid cursor', [{ field: 'query.cursor', message: 'invalid cursor' }]);
  return after;
}

function actorOf(res: { locals: Record<string, unknown> }): string {
  const principal = res.locals.principal as { key?: { key_id: string } } | undefined;
  return principal?.key?.key_id ?? 'unknown';
}

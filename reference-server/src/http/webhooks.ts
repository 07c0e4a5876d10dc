// Webhooks API: registration and management and the synchronous test send, scoped to the caller's
// tenant. Delivery history, metrics, the DLQ and replays are in webhook-deliveries.ts.
import { Router } from 'express';
import { z } from 'zod';
import { iso } from '../domain/clock.js';
import { encodeCursor } from '../domain/cursor.js';
import { parseWebhookSecret, generateWebhookSecret } from '../domain/webhook-signature.js';
import { validateWebhookUrl } from '../domain/ssrf-policy.js';
import { WebhookCreateSchema, WebhookUpdateSchema, webhookView, type WebhookRecord } from '../domain/webhook.js';
import { sendWebhook } from '../delivery/send-webhook.js';
import { ApiError } from './api-error.js';
import { requireApiKey, requireScope, tenantOf } from './auth.js';
import type { AppDeps } from './app-deps.js';
import { Page, auditFor, cursorParam, loadWebhook } from './webhook-route-helpers.js';
import { validate } from './validate.js';

/** `scheme://` followed by a host as written, before the parser normalises anything away. */
const WRITTEN_HOST = /^[a-z][a-z0-9+.-]*:\/\/[^/\\?#]/i;

const ListQuery = z.strictObject({ ...Page, is_active: z.enum(['true', 'false']).optional() });

export function webhooksRouter(deps: AppDeps): Router {
  const { stores, clock, config } = deps;
  const router = Router();
  const production = config.NODE_ENV === 'production';
  const allowCidrs = config.WEBHOOK_ALLOW_CIDRS;
  const audit = auditFor(deps);

  router.use('/v1/webhooks', requireApiKey(deps.authenticator), requireScope('webhooks:manage'));

  const checkUrl = (url: string) => {
    // The WHATWG parser forgives `http:///x` and `http:/x` as `http://x/`: a typo would silently target host `x`.
    const parsed = validateWebhookUrl(url, { production, allowCidrs });
    const verdict = parsed.ok && !WRITTEN_HOST.test(url) ? { ok: false as const, message: 'url must have a host right after http:// or https://' } : parsed;
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
  const load = (tenantId: string, id: string) => loadWebhook(deps, tenantId, id);

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

  return router;
}

// Events API: create (idempotent), get, inbox, ack, delete — every call scoped to the caller's tenant.
import { Router } from 'express';
import { z } from 'zod';
import { iso } from '../domain/clock.js';
import { decodeCursor, encodeCursor } from '../domain/cursor.js';
import { EventCreateSchema, eventView, newEventRecord } from '../domain/event.js';
import { requestFingerprint } from '../domain/fingerprint.js';
import { ApiError } from './api-error.js';
import { requireApiKey, requireScope, tenantOf } from './auth.js';
import type { AppDeps } from './app-deps.js';
import { validate } from './validate.js';

const IDEMPOTENCY_TTL_S = 24 * 3600;
const EVENT_ID = /^evt_[0-9a-z]{26}$/;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

const InboxQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: z.string().max(512).optional(),
  source: z.string().min(1).max(256).optional(),
  event_type: z.string().min(1).max(256).optional(),
});

/** Routes under /v1 for events and the inbox. */
export function eventsRouter(deps: AppDeps): Router {
  const { stores, clock, ids, metrics } = deps;
  const router = Router();
  // On each route rather than on /v1: this router is mounted ahead of the others (app.ts), so it must
  // not claim their paths.
  const key = requireApiKey(deps.authenticator);

  router.post('/v1/events', key, requireScope('events:write'), async (req, res) => {
    const tenantId = tenantOf(res);
    const body = validate(EventCreateSchema, req.body);
    const idemKey = req.get('idempotency-key') ?? req.get('x-request-id');
    if (idemKey === undefined) {
      const event = newEventRecord(tenantId, ids.next('evt'), body, iso(clock.now()));
      const storedSince = performance.now();
      const row = await stores.events.createNew(event);
      metrics.eventsCreated.inc();
      deps.hooks?.onEventCreated?.(event, storedSince, row);
      return res.status(201).json(eventView(event));
    }
    if (!IDEMPOTENCY_KEY.test(idemKey)) {
      throw new ApiError(400, 'validation_error', 'Idempotency-Key must be 1–255 printable ASCII characters', [
        { field: 'header.idempotency-key', message: 'invalid' },
      ]);
    }
    const now = clock.now();
    const fingerprint = requestFingerprint('POST', '/v1/events', body);
    const claim = await stores.idempotency.claim(
      {
        idem_key: `${tenantId}#${idemKey}`,
        fingerprint,
        resource_id: ids.next('evt'),
        created_at: iso(now),
        expires_at: Math.floor(now / 1000) + IDEMPOTENCY_TTL_S,
      },
      Math.floor(now / 1000),
    );
    if (!claim.owner && claim.record.fingerprint !== fingerprint) {
      throw new ApiError(409, 'idempotency_conflict', 'this idempotency key was used with a different request');
    }
    // Owner and duplicates build the identical item; the conditional write lets exactly one land,
    // and a duplicate arriving after a crashed owner completes the owner's work.
    const event = newEventRecord(tenantId, claim.record.resource_id, body, claim.record.created_at);
    const created = await stores.events.createIfAbsent(event);
    if (created) metrics.eventsCreated.inc();
    // Outbox rows were (re)written either way: wake the consumers.
    deps.hooks?.onEventCreated?.(event);
    if (!claim.owner) res.setHeader('Idempotent-Replayed', 'true');
    res.status(201).json(eventView(event));
  });

  router.get('/v1/events/:id', key, requireScope('events:read'), async (req, res) => {
    const event = await findEvent(deps, tenantOf(res), String(req.params.id));
    res.json(eventView(event));
  });

  router.get('/v1/inbox', key, requireScope('events:read'), async (req, res) => {
    const q = validate(InboxQuerySchema, req.query, 'query');
    const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    if (q.cursor !== undefined && after === undefined) {
      throw new ApiError(400, 'validation_error', 'query.cursor: not a valid cursor', [{ field: 'query.cursor', message: 'invalid cursor' }]);
    }
    const page = await stores.events.inbox({ tenantId: tenantOf(res), limit: q.limit, after, source: q.source, eventType: q.event_type });
    res.json({
      events: page.events.map(eventView),
      next_cursor: page.last ? encodeCursor(page.last) : null,
      has_more: page.last !== undefined,
    });
  });

  router.post('/v1/events/:id/ack', key, requireScope('events:write'), async (req, res) => {
    if (!EVENT_ID.test(String(req.params.id))) throw ApiError.notFound('event');
    const event = await stores.events.acknowledge(tenantOf(res), String(req.params.id), iso(clock.now()));
    if (!event) throw ApiError.notFound('event');
    res.json(eventView(event));
  });

  router.delete('/v1/events/:id', key, requireScope('events:write'), async (req, res) => {
    if (!EVENT_ID.test(String(req.params.id)) || !(await stores.events.delete(tenantOf(res), String(req.params.id), iso(clock.now())))) {
      throw ApiError.notFound('event');
    }
    res.status(204).end();
  });

  return router;
}

async function findEvent(deps: AppDeps, tenantId: string, id: string) {
  const event = EVENT_ID.test(id) ? await deps.stores.events.get(tenantId, id) : undefined;
  if (!event) throw ApiError.notFound('event');
  return event;
}

// Builds the Express app from its dependencies. Never listens: main.ts and tests do that.
import express, { type Express, type RequestHandler } from 'express';
import { analyticsRouter } from './analytics.js';
import { apiKeysRouter } from './api-keys.js';
import { auditRouter } from './audit.js';
import { requireApiKey } from './auth.js';
import type { AppDeps } from './app-deps.js';
import { errorHandler, notFoundHandler } from './error-handler.js';
import { eventsRouter } from './events.js';
import { healthRouter } from './health.js';
import { jsonBody } from './json-body.js';
import { requestId } from './request-id.js';
import { requestLog } from './request-log.js';
import { wakeStreamRouter } from './wake-stream.js';
import { webhookDeliveriesRouter } from './webhook-deliveries.js';
import { webhooksRouter } from './webhooks.js';
import { dashboardRouter } from '../web/dashboard-router.js';

/**
 * The Triggers API.
 * @example const server = createAppServer(buildApp(deps)).listen(0, '127.0.0.1'); // http/app-server.ts
 */
export function buildApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');

  app.use(requestId(deps.ids, deps.carryRequestId));
  // Before request timing and logging: a stream lasts as long as its worker, which is no request duration.
  if (deps.workerWake) app.use(wakeStreamRouter(deps.workerWake));
  app.use(timing(deps));
  app.use(requestLog(deps.logger));
  // Before the fault points and request stats: the dashboard's own traffic is not tenant API traffic.
  app.use('/dashboard', dashboardRouter(deps, deps.dashboard));
  for (const handler of deps.before ?? []) app.use(handler);

  app.use(healthRouter(deps));
  app.get('/metrics', async (_req, res) => {
    res.setHeader('Content-Type', deps.metrics.registry.contentType);
    res.send(await deps.metrics.registry.metrics());
  });

  app.use(jsonBody(deps.config.MAX_BODY_BYTES));
  // The events routes first: POST /v1/events is the hot path, and a request enters every router
  // mounted before the one that serves it, in turn. No other router serves /v1/events or /v1/inbox.
  app.use(eventsRouter(deps));
  app.use(apiKeysRouter(deps));
  app.use(auditRouter(deps));
  for (const router of deps.routers ?? []) app.use(router);
  app.use(webhookDeliveriesRouter(deps));
  app.use(webhooksRouter(deps));
  app.use(analyticsRouter(deps));
  // Any other /v1 path: a caller without a valid key learns nothing more than 401.
  app.use('/v1', requireApiKey(deps.authenticator));

  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}

/** Records each request's duration by route template (never the raw path: unbounded labels). */
function timing(deps: AppDeps): RequestHandler {
  return (req, res, next) => {
    const start = performance.now();
    res.on('finish', () => {
      const route = req.route?.path ? String(req.route.path) : 'unmatched';
      deps.metrics.httpDuration.observe(
        { method: req.method, route, status: String(res.statusCode) },
        (performance.now() - start) / 1000,
      );
    });
    next();
  };
}

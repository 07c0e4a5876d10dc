// Feeds analytics with each tenant request's outcome: status and duration, once the response is
// finished. Requests without a tenant (unauthenticated, admin) are not a tenant's traffic.
import type { RequestHandler } from 'express';
import type { StatsRecorder } from '../workers/analytics-stats.js';

export function recordRequestStats(stats: StatsRecorder): RequestHandler {
  return (_req, res, next) => {
    const start = performance.now();
    res.on('finish', () => {
      const tenantId = (res.locals.principal as { tenantId?: string } | undefined)?.tenantId;
      if (tenantId) stats.request(tenantId, res.statusCode, performance.now() - start);
    });
    next();
  };
}

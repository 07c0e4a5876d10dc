// Feeds analytics with each tenant request's outcome: status and duration, once the response is
// finished. Requests without a tenant (unauthenticated, admin) are not a tenant's traffic.
import type { RequestHandler } from 'express';

/** Where a tenant request's outcome goes (the analytics stats recorder, wired by the composition root). */
export type RequestOutcomeSink = (tenantId: string, status: number, durationMs: number) => void;

/** Middleware telling `record` about every finished tenant request. */
export function recordRequestStats(record: RequestOutcomeSink): RequestHandler {
  return (_req, res, next) => {
    const start = performance.now();
    res.on('finish', () => {
      const tenantId = (res.locals.principal as { tenantId?: string } | undefined)?.tenantId;
      if (tenantId) record(tenantId, res.statusCode, performance.now() - start);
    });
    next();
  };
}

// Health endpoints: /health (components), /health/live (process up), /health/ready (503 when
// DynamoDB or a table is unusable), /health/database.
import { Router } from 'express';
import type { AppDeps } from './app-deps.js';

export function healthRouter(deps: AppDeps): Router {
  const router = Router();
  const started = deps.clock.now();

  router.get('/health/live', (_req, res) => {
    res.json({ status: 'alive' });
  });

  router.get('/health/ready', async (_req, res) => {
    const db = await deps.health.database();
    res.status(db.status === 'unhealthy' ? 503 : 200).json({ status: db.status === 'unhealthy' ? 'not_ready' : 'ready', database: db.status });
  });

  router.get('/health/database', async (_req, res) => {
    const db = await deps.health.database();
    res.status(db.status === 'unhealthy' ? 503 : 200).json(db);
  });

  router.get('/health', async (_req, res) => {
    const db = await deps.health.database();
    res.status(db.status === 'unhealthy' ? 503 : 200).json({
      status: db.status,
      uptime_s: Math.round((deps.clock.now() - started) / 1000),
      components: { dynamodb: db },
    });
  });

  return router;
}

// Assembles WorkerDeps from the shared pieces (config, clock, stores), for the server's in-process
// workers and for the standalone `npm run worker`.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { Dispatcher } from 'undici';
import type { Config } from '../config.js';
import type { Clock } from '../domain/clock.js';
import type { SecretBox } from '../store/secret-box.js';
import type { Stores } from '../store/stores.js';
import { createWebhookMetrics } from './webhook-metrics.js';
import type { WorkerDeps } from './worker-deps.js';

/** WorkerDeps from the pieces the composition root built (the clock and dispatcher already chaos-wrapped). */
export function buildWorkerDeps(input: {
  config: Config;
  clock: Clock;
  logger: Logger;
  random: () => number;
  secretBox: SecretBox;
  dispatcher: Dispatcher;
  stores: Stores;
  registry: Registry;
  beforeStep?: WorkerDeps['beforeStep'];
  onAttempt?: WorkerDeps['onAttempt'];
}): WorkerDeps {
  const { config } = input;
  return {
    config,
    clock: input.clock,
    logger: input.logger,
    random: input.random,
    token: randomUUID,
    timing: {
      schedule: config.WEBHOOK_RETRY_SCHEDULE,
      jitter: config.WEBHOOK_RETRY_JITTER,
      maxRetryAfterMs: config.WEBHOOK_MAX_RETRY_AFTER_MS,
    },
    secretBox: input.secretBox,
    dispatcher: input.dispatcher,
    metrics: createWebhookMetrics(input.registry, () => input.stores.dlq.count()),
    stores: input.stores,
    beforeStep: input.beforeStep,
    onAttempt: input.onAttempt,
  };
}

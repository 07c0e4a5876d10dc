// Everything the HTTP app needs, built by main.ts (or a test) and passed to buildApp.
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Clock } from '../domain/clock.js';
import type { EventRecord } from '../domain/event.js';
import type { IdGenerator } from '../domain/ids.js';
import type { RandomBytes } from '../domain/random.js';
import type { ApiKeysStore } from '../store/api-keys-store.js';
import type { EventsStore } from '../store/events-store.js';
import type { IdempotencyStore } from '../store/idempotency-store.js';
import type { SecretBox } from '../store/secret-box.js';
import type { Authenticator } from './authenticator.js';
import type { HealthChecker } from './health-checker.js';
import type { ServerMetrics } from './server-metrics.js';
import type { RequestHandler, Router } from 'express';

export interface AppDeps {
  config: Config;
  clock: Clock;
  ids: IdGenerator;
  randomBytes: RandomBytes;
  logger: Logger;
  metrics: ServerMetrics;
  secretBox: SecretBox;
  adminToken: string;
  authenticator: Authenticator;
  health: HealthChecker;
  stores: {
    events: EventsStore;
    apiKeys: ApiKeysStore;
    idempotency: IdempotencyStore;
  };
  /** Extension points for capabilities layered on the core (fan-out, analytics, chaos). */
  hooks?: {
    onEventCreated?: (event: EventRecord) => void;
  };
  /** Middleware run before routing (fault points), and extra routers mounted at the root. */
  before?: RequestHandler[];
  routers?: Router[];
}

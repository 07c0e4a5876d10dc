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
import type { FanoutRowRef } from '../store/outbox-store.js';
import type { SecretBox } from '../store/secret-box.js';
import type { AuditLog } from '../store/audit-log.js';
import type { Authenticator } from './authenticator.js';
import type { HealthChecker } from './health-checker.js';
import type { ServerMetrics } from './server-metrics.js';
import type { RequestHandler, Router } from 'express';
import type { Dispatcher } from 'undici';
import type { DeliveriesStore } from '../store/deliveries-store.js';
import type { DlqStore } from '../store/dlq-store.js';
import type { OutboxStore } from '../store/outbox-store.js';
import type { WebhooksStore } from '../store/webhooks-store.js';
import type { AnalyticsStore } from '../store/analytics-store.js';
import type { DashboardOptions } from '../web/dashboard-options.js';
import type { WorkerWake } from './wake-stream.js';

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
  /** The hash-chained audit log; `record` redacts secrets and never rejects. */
  audit: AuditLog;
  health: HealthChecker;
  stores: {
    events: EventsStore;
    apiKeys: ApiKeysStore;
    idempotency: IdempotencyStore;
    outbox: OutboxStore;
    webhooks: WebhooksStore;
    deliveries: DeliveriesStore;
    dlq: DlqStore;
    analytics: AnalyticsStore;
  };
  /** Outbound HTTP for webhooks (SSRF-guarded in production). */
  webhookDispatcher: Dispatcher;
  /**
   * Whether a request's id is carried through its async calls (http/request-context.ts), for code far
   * from HTTP that names the request: chaos injections. Carrying it turns on promise hooks for every
   * promise in the process (4–5 % of the ingest server's CPU), so the server asks only while chaos is
   * enabled; without this, always.
   */
  carryRequestId?: () => boolean;
  /** Extension points for capabilities layered on the core (fan-out, analytics, chaos). */
  hooks?: {
    /**
     * An event and its outbox rows were stored. `storedSince` (performance.now() just before the write
     * began) is given only when the event's id was made for this request, so nothing can have been
     * delivered for it yet; not on the idempotent path, which may rewrite old rows. `row` is the fan-out
     * row that holds it, when it shares one with other events.
     */
    onEventCreated?: (event: EventRecord, storedSince?: number, row?: FanoutRowRef) => void;
    /** Deliveries were queued outside the workers (replays): wake them. */
    onWorkAvailable?: () => void;
  };
  /** The wake stream for worker processes (GET /_workers/wake); no route without it. */
  workerWake?: WorkerWake;
  /** Middleware run before routing (fault points), and extra routers mounted at the root. */
  before?: RequestHandler[];
  routers?: Router[];
  /** Where the dashboard finds scenario runs and its bundle (defaults: see dashboard-router.ts). */
  dashboard?: DashboardOptions;
}

// What the background workers need; built by the composition root (server or standalone worker).
import type { Dispatcher } from 'undici';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Clock } from '../domain/clock.js';
import type { RetryTiming } from '../domain/retry-schedule.js';
import type { DeliveriesStore } from '../store/deliveries-store.js';
import type { DlqStore } from '../store/dlq-store.js';
import type { EventsStore } from '../store/events-store.js';
import type { OutboxStore } from '../store/outbox-store.js';
import type { SecretBox } from '../store/secret-box.js';
import type { WebhooksStore } from '../store/webhooks-store.js';
import type { WebhookMetrics } from './webhook-metrics.js';

export interface WorkerDeps {
  config: Config;
  clock: Clock;
  logger: Logger;
  /** [0,1) randomness for retry jitter; seeded in tests and chaos runs. */
  random: () => number;
  /** Unique lease tokens. */
  token: () => string;
  timing: RetryTiming;
  secretBox: SecretBox;
  dispatcher: Dispatcher;
  metrics: WebhookMetrics;
  stores: { outbox: OutboxStore; webhooks: WebhooksStore; deliveries: DeliveriesStore; dlq: DlqStore; events: Pick<EventsStore, 'revealAccepted'> };
  /** Optional fault point consulted at each worker step (pause, hang, crash, clock skew). */
  beforeStep?: (loop: 'fanout' | 'delivery', step: string) => Promise<void>;
  /** Told about every delivery attempt made (analytics counts attempts and failures per tenant). */
  onAttempt?: (tenantId: string, ok: boolean) => void;
}

// Builds every store over one document client and one set of table names, so the server and the
// standalone worker see the same tables the same way.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AnalyticsStateStore } from './analytics-state-store.js';
import { AnalyticsStore } from './analytics-store.js';
import { ApiKeysStore } from './api-keys-store.js';
import { DeliveriesStore } from './deliveries-store.js';
import { DlqStore } from './dlq-store.js';
import { EventsStore } from './events-store.js';
import { TombstoneStore } from './tombstone-store.js';
import { IdempotencyStore } from './idempotency-store.js';
import { OutboxStore } from './outbox-store.js';
import { tableNames } from './tables.js';
import { WebhooksStore } from './webhooks-store.js';

/**
 * Where analytics reads accepted events from: `outbox` rows written with each event (dynalite has no
 * Streams), or the events table's DynamoDB Stream, in which case no analytics rows are written.
 */
export type AnalyticsFeedMode = 'outbox' | 'streams';

/**
 * `unfinishedWritesPath`: where the events store keeps part-written group commits (see
 * unfinished-journal.ts), and `inFlightLogPath` those in flight (in-flight-log.ts);
 * `tombstoneRetentionMs`: how long a deleted event's tombstone is kept.
 */
export function createStores(
  doc: DynamoDBDocumentClient,
  prefix: string,
  analyticsFeed: AnalyticsFeedMode = 'outbox',
  opts: { unfinishedWritesPath?: string; inFlightLogPath?: string; tombstoneRetentionMs?: number } = {},
) {
  const names = tableNames(prefix);
  const outbox = new OutboxStore(doc, names['event-outbox'], analyticsFeed === 'outbox' ? ['fanout', 'analytics'] : ['fanout']);
  return {
    events: new EventsStore(doc, names.events, outbox, opts),
    tombstones: new TombstoneStore(doc, names.events),
    apiKeys: new ApiKeysStore(doc, names['api-keys']),
    idempotency: new IdempotencyStore(doc, names.idempotency),
    outbox,
    webhooks: new WebhooksStore(doc, names.webhooks),
    deliveries: new DeliveriesStore(doc, names['webhook-delivery']),
    dlq: new DlqStore(doc, names['webhook-dlq']),
    analytics: new AnalyticsStore(doc, names.analytics),
    analyticsState: new AnalyticsStateStore(doc, names['analytics-state']),
  };
}

export type Stores = ReturnType<typeof createStores>;

// Builds every store over one document client and one set of table names, so the server and the
// standalone worker see the same tables the same way.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { ApiKeysStore } from './api-keys-store.js';
import { DeliveriesStore } from './deliveries-store.js';
import { DlqStore } from './dlq-store.js';
import { EventsStore } from './events-store.js';
import { IdempotencyStore } from './idempotency-store.js';
import { OutboxStore } from './outbox-store.js';
import { tableNames } from './tables.js';
import { WebhooksStore } from './webhooks-store.js';

export function createStores(doc: DynamoDBDocumentClient, prefix: string) {
  const names = tableNames(prefix);
  const outbox = new OutboxStore(doc, names['event-outbox'], ['fanout']);
  return {
    events: new EventsStore(doc, names.events, outbox),
    apiKeys: new ApiKeysStore(doc, names['api-keys']),
    idempotency: new IdempotencyStore(doc, names.idempotency),
    outbox,
    webhooks: new WebhooksStore(doc, names.webhooks),
    deliveries: new DeliveriesStore(doc, names['webhook-delivery']),
    dlq: new DlqStore(doc, names['webhook-dlq']),
  };
}

export type Stores = ReturnType<typeof createStores>;

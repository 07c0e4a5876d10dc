// The delivery queue. A delivery is due while it carries `due_queue`; a worker leases it with a
// conditional update that pushes `next_attempt_at` one visibility timeout ahead and sets a fresh
// lease token. Only the token holder can record the outcome, and if the holder dies the item simply
// becomes due again when the lease runs out — SQS's visibility timeout, on plain conditional writes.
// The batched writes (createAll, putAll) carry no condition: callers fence them by time, see
// workers/delivery-fence.ts.
import { GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { DeliveryRecord, DeliveryStatus } from '../domain/delivery.js';
import { batchGetAll } from './batch-get.js';
import { BATCH_WRITE_MAX, batchWriteAll, chunks25, type BatchRequests, type BatchWriteOptions } from './batch-write.js';
import { ifConditionHolds, landedOrConditionFailed } from './conditional-write.js';
import { DUE, queuedItem, type Lease, type SettleNext } from './delivery-items.js';
import { FanoutLeaseStore } from './fanout-lease-store.js';

export type { Lease } from './delivery-items.js';

export class DeliveriesStore {
  /** The fan-out lease, an item of this table outside every index. */
  readonly fanoutLease: FanoutLeaseStore;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {
    this.fanoutLease = new FanoutLeaseStore(doc, table);
  }

  /**
   * Enqueues a delivery unless one with its (deterministic) id exists; `true` if this call created it.
   * With `leaseToken` the delivery is created already leased by the caller until `dueAt`, saving the
   * lease round trip on the fast path; if the caller dies, the lease simply runs out.
   */
  async enqueue(d: DeliveryRecord, dueAt: number, leaseToken?: string): Promise<boolean> {
    const done = await ifConditionHolds(
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: queuedItem(d, dueAt, leaseToken),
          ConditionExpression: 'attribute_not_exists(delivery_id)',
        }),
      ),
    );
    return done !== undefined;
  }

  /** Which of `deliveryIds` exist (strongly consistent BatchGetItem, unprocessed keys retried). */
  async existing(deliveryIds: readonly string[]): Promise<Set<string>> {
    return new Set((await this.statuses(deliveryIds)).keys());
  }

  /** The status of each of `deliveryIds` that exists, read as existing() reads. */
  async statuses(deliveryIds: readonly string[]): Promise<Map<string, DeliveryStatus>> {
    const items = await batchGetAll(this.doc, this.table, deliveryIds.map((delivery_id) => ({ delivery_id })), {
      ProjectionExpression: 'delivery_id, #s',
      ExpressionAttributeNames: { '#s': 'status' },
    });
    return new Map(items.map((item) => [item.delivery_id as string, item.status as DeliveryStatus]));
  }

  /**
   * Writes whole delivery items without a condition, 25 per BatchWriteItem. Only for a caller whose
   * lease fences these items by time; `signal` stops sending once that fence runs short. With
   * `noBlindResend`, for items due at once (others may take them as soon as they land), a call whose
   * attempt may have landed unseen is not sent again: it rejects with OutcomeUnknownError.
   */
  async putAll(items: readonly Record<string, unknown>[], signal?: AbortSignal, opts: BatchWriteOptions = {}): Promise<void> {
    for (const chunk of chunks25(items)) {
      await batchWriteAll(this.doc, { [this.table]: chunk.map((Item) => ({ PutRequest: { Item } })) }, 8, signal, undefined, opts);
    }
  }

  /**
   * Like putAll for at most 25 items in all, in one call that also carries `alongside` (writes to other
   * tables, such as outbox deletes); the same fence applies to everything in it.
   */
  async putWith(items: readonly Record<string, unknown>[], alongside: BatchRequests, signal?: AbortSignal): Promise<void> {
    const count = items.length + Object.values(alongside).reduce((n, requests) => n + requests.length, 0);
    if (count > BATCH_WRITE_MAX) throw new RangeError(`one BatchWriteItem takes ${BATCH_WRITE_MAX} items, not ${count}`);
    if (this.table in alongside) throw new RangeError('alongside writes must be to other tables');
    await batchWriteAll(this.doc, { ...alongside, [this.table]: items.map((Item) => ({ PutRequest: { Item } })) }, 8, signal);
  }

  /**
   * Writes a whole delivery item unless one with its id exists; `true` if this call created it.
   * `signal` stops sending once the caller's fence runs short (then it may or may not have landed).
   */
  async create(item: Record<string, unknown>, signal?: AbortSignal): Promise<boolean> {
    const done = await ifConditionHolds(
      this.doc.send(new PutCommand({ TableName: this.table, Item: item, ConditionExpression: 'attribute_not_exists(delivery_id)' }), { abortSignal: signal }),
    );
    return done !== undefined;
  }

  async get(deliveryId: string): Promise<DeliveryRecord | undefined> {
    const { Item } = await this.doc.send(new GetCommand({ TableName: this.table, Key: { delivery_id: deliveryId }, ConsistentRead: true }));
    return Item as DeliveryRecord | undefined;
  }

  /** Ids of deliveries due at `now`, oldest first. */
  async due(now: number, limit: number): Promise<string[]> {
    const { Items } = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'due-index',
        KeyConditionExpression: 'due_queue = :q AND next_attempt_at <= :now',
        ExpressionAttributeValues: { ':q': DUE, ':now': now },
        Limit: limit,
      }),
    );
    return (Items ?? []).map((i) => i.delivery_id as string);
  }

  /**
   * One page of the base table (at most `limit` items read, so the cost is bounded): ids of deliveries
   * due before `before`, found without the due index, and where the next page starts (`undefined`
   * after the last). The reconciliation sweep walks the table with it; see workers/overdue-sweep.ts.
   */
  async overdue(before: number, limit: number, startKey?: Record<string, unknown>): Promise<{ ids: string[]; next?: Record<string, unknown> }> {
    const page = await this.doc.send(
      new ScanCommand({
        TableName: this.table,
        FilterExpression: 'due_queue = :q AND next_attempt_at <= :before',
        ProjectionExpression: 'delivery_id',
        ExpressionAttributeValues: { ':q': DUE, ':before': before },
        ExclusiveStartKey: startKey,
        Limit: limit,
        ConsistentRead: true,
      }),
    );
    return { ids: (page.Items ?? []).map((i) => i.delivery_id as string), next: page.LastEvaluatedKey };
  }

  /** Takes the lease if the delivery is still due; `undefined` if another worker got there first. */
  async lease(deliveryId: string, now: number, visibilityMs: number, token: string): Promise<Lease | undefined> {
    const leaseUntil = now + visibilityMs;
    const out = await ifConditionHolds(
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { delivery_id: deliveryId },
          UpdateExpression: 'SET next_attempt_at = :until, lease_token = :tok',
          ConditionExpression: 'due_queue = :q AND next_attempt_at <= :now',
          ExpressionAttributeValues: { ':until': leaseUntil, ':tok': token, ':q': DUE, ':now': now },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    return out ? { delivery: out.Attributes as DeliveryRecord, token, leaseUntil } : undefined;
  }

  /**
   * Records an attempt and the next state, if `lease` is still held. `retryAt` keeps the delivery
   * queued; a final status takes it out of the queue. `false` when the lease was lost meanwhile.
   */
  async settle(lease: Lease, next: SettleNext): Promise<boolean> {
    // `settled_by` tells this settle's own resend (its answer lost, the token already gone) from a
    // lease lost to another worker.
    const sets = ['updated_at = :at', 'last_error = :err', 'settled_by = :tok'];
    const removes = ['lease_token'];
    const values: Record<string, unknown> = { ':tok': lease.token, ':at': next.at, ':err': next.error ?? null };
    if (next.attempt) {
      sets.push('attempts = list_append(if_not_exists(attempts, :empty), :attempt)', 'attempt_count = attempt_count + :one');
      Object.assign(values, { ':attempt': [next.attempt], ':empty': [], ':one': 1 });
    }
    if (next.retryAt !== undefined) {
      sets.push('next_attempt_at = :retry');
      values[':retry'] = next.retryAt;
    } else if (next.status) {
      sets.push('#s = :status', 'completed_at = :at');
      values[':status'] = next.status;
      removes.push('due_queue', 'next_attempt_at');
    }
    return landedOrConditionFailed(
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { delivery_id: lease.delivery.delivery_id },
          UpdateExpression: `SET ${sets.join(', ')} REMOVE ${removes.join(', ')}`,
          ConditionExpression: 'lease_token = :tok',
          ExpressionAttributeNames: next.status ? { '#s': 'status' } : undefined,
          ExpressionAttributeValues: values,
        }),
      ),
      async () => (await this.get(lease.delivery.delivery_id))?.settled_by === lease.token,
    );
  }

  /**
   * Gives a leased delivery back unattempted, due again at `dueAt` (its endpoint had no free slot);
   * `false` if the lease was lost meanwhile. Records nothing else: no attempt, no error.
   */
  async defer(lease: Lease, dueAt: number): Promise<boolean> {
    const done = await ifConditionHolds(
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { delivery_id: lease.delivery.delivery_id },
          UpdateExpression: 'SET next_attempt_at = :at REMOVE lease_token',
          ConditionExpression: 'lease_token = :tok',
          ExpressionAttributeValues: { ':at': dueAt, ':tok': lease.token },
        }),
      ),
    );
    return done !== undefined;
  }

  /**
   * Puts a dead delivery back in the queue for a fresh round of attempts; `false` if it was not dead.
   * `token` (fresh per replay) marks the requeue (`requeued_by`), so its own resend, which finds the
   * delivery no longer dead, still counts it as done.
   */
  async requeue(deliveryId: string, now: number, at: string, token: string): Promise<boolean> {
    return landedOrConditionFailed(
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { delivery_id: deliveryId },
          UpdateExpression: 'SET #s = :pending, due_queue = :q, next_attempt_at = :now, attempt_count = :zero, updated_at = :at, completed_at = :null, requeued_by = :tok',
          ConditionExpression: '#s = :dead',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':pending': 'pending', ':q': DUE, ':now': now, ':zero': 0, ':at': at, ':null': null, ':dead': 'dead', ':tok': token },
        }),
      ),
      async () => (await this.get(deliveryId))?.requeued_by === token,
    );
  }

  /**
   * A webhook's deliveries, oldest first (newest first with `newestFirst`), optionally by status and
   * creation window. Items come as
   * webhook-index projects them: everything the listing shows, but no `body` (tables created before
   * the INCLUDE projection return it too).
   */
  async listByWebhook(
    webhookId: string,
    opts: { limit: number; after?: string; status?: DeliveryStatus; since?: string; until?: string; newestFirst?: boolean },
  ): Promise<{ deliveries: DeliveryRecord[]; last?: string }> {
    const deliveries: DeliveryRecord[] = [];
    // Real DynamoDB refuses empty strings in key conditions, so the window is only added when asked for.
    const windowed = opts.since !== undefined || opts.until !== undefined;
    const values: Record<string, unknown> = { ':w': webhookId };
    if (windowed) Object.assign(values, { ':from': opts.since ?? '0', ':to': `${opts.until ?? '9999'}~` });
    if (opts.status) values[':s'] = opts.status;
    // The resume position is the last created_key (`created_at#delivery_id`), which rebuilds the whole key.
    const startFrom = (createdKey: string) => ({ webhook_id: webhookId, created_key: createdKey, delivery_id: createdKey.slice(createdKey.indexOf('#') + 1) });
    let startKey: Record<string, unknown> | undefined = opts.after?.includes('#') ? startFrom(opts.after) : undefined;
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'webhook-index',
          KeyConditionExpression: windowed ? 'webhook_id = :w AND created_key BETWEEN :from AND :to' : 'webhook_id = :w',
          FilterExpression: opts.status ? '#s = :s' : undefined,
          ExpressionAttributeNames: opts.status ? { '#s': 'status' } : undefined,
          ExpressionAttributeValues: values,
          ExclusiveStartKey: startKey,
          ScanIndexForward: opts.newestFirst !== true,
          Limit: opts.limit - deliveries.length,
        }),
      );
      deliveries.push(...((page.Items ?? []) as DeliveryRecord[]));
      startKey = page.LastEvaluatedKey;
    } while (startKey && deliveries.length < opts.limit);
    return { deliveries, last: startKey ? (startKey.created_key as string) : undefined };
  }
}

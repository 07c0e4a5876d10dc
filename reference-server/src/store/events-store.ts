// Events in DynamoDB: one item per event keyed by (tenant_id, event_id). Pending events carry
// `inbox_tenant`, which puts them in the sparse inbox index; ack and delete take them out. A deleted
// event leaves a tombstone (tombstone-store.ts), in the sparse tombstone index.
import {
  GetCommand,
  PutCommand,
  QueryCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { EventFact } from '../domain/analytics.js';
import type { EventRecord } from '../domain/event.js';
import { TOMBSTONE_RETENTION_MS } from '../domain/tombstone-retention.js';
import { batchGetAll } from './batch-get.js';
import { batchWriteAll, type BatchRequests, type MarshalledRequests } from './batch-write.js';
import { FANOUT_SHARED_EVENT_MAX, repeatableWrite, type FanoutEntry, type FanoutRowRef, type OutboxStore } from './outbox-store.js';
import { BatchCompleter, JournalWriteError } from './batch-completer.js';
import { InFlightLog } from './in-flight-log.js';
import { WriteBatcher } from './write-batcher.js';
import { ifConditionHolds, landedOrConditionFailed } from './conditional-write.js';
import { DELETED, TOMBSTONE_SHARD, TOMBSTONE_TTL, tombstoneShard } from './tombstone-store.js';

/** Inbox query: filters and the position to continue after. */
export interface InboxQuery {
  tenantId: string;
  limit: number;
  after?: string;
  source?: string;
  eventType?: string;
}

/** Marks an event whose outbox rows are not yet known to be durable: hidden from every read. */
export const PENDING = 'outbox_pending';

/** An event item's key. */
interface EventKey {
  tenant_id: string;
  event_id: string;
}

/** What an event's create adds to its call's shared rows. */
interface Shared {
  fact?: EventFact;
  fanout?: FanoutEntry;
}

export class EventsStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
    private readonly outbox: OutboxStore,
    /**
     * `tombstoneRetentionMs`: how far after a delete its tombstone's TOMBSTONE_TTL lies (default
     * TOMBSTONE_RETENTION_MS); `inFlightLogPath` (with `unfinishedWritesPath`): where the group commits
     * in flight are logged, so a crash mid-call leaves them to the next start (in-flight-log.ts).
     */
    opts: { unfinishedWritesPath?: string; inFlightLogPath?: string; tombstoneRetentionMs?: number } = {},
  ) {
    this.tombstoneRetentionMs = opts.tombstoneRetentionMs ?? TOMBSTONE_RETENTION_MS;
    this.completer = new BatchCompleter(doc, {
      prepare: repeatableWrite,
      missing: (requests) => this.missingWrites(requests),
      // Events are keyed by (tenant_id, event_id), outbox rows by (consumer, event_id).
      keyOf: (table, write) => {
        const item = write.PutRequest?.Item ?? write.DeleteRequest?.Key ?? {};
        return [table, table === this.table ? item.tenant_id?.S : item.consumer?.S, item.event_id?.S].join('\u0000');
      },
      ...(opts.unfinishedWritesPath === undefined ? {} : { journalPath: opts.unfinishedWritesPath }),
    });
    this.inFlightLog = opts.unfinishedWritesPath === undefined || opts.inFlightLogPath === undefined ? undefined : new InFlightLog(opts.inFlightLogPath);
    this.batcher = new WriteBatcher<Shared, FanoutRowRef | undefined>(
      doc,
      (records) => {
        const facts = records.flatMap((r) => (r.fact ? [r.fact] : []));
        const entries = records.flatMap((r) => (r.fanout ? [r.fanout] : []));
        return {
          puts: [
            ...(facts.length > 0 ? [{ table: outbox.table, item: outbox.factsRow(facts) }] : []),
            ...(entries.length > 0 ? [{ table: outbox.table, item: outbox.fanoutRow(entries) }] : []),
          ],
          shared: entries.length > 0 ? { key: entries[0]!.event_id, size: entries.length } : undefined,
        };
      },
      2,
      { completer: this.completer, missing: (requests) => this.missingOf(requests), ...(this.inFlightLog ? { log: this.inFlightLog } : {}) },
    );
  }

  /**
   * Takes over what an earlier run left unfinished: the writes in its journal, and the group commits
   * its log held in flight (which may have landed in part); the log's files go once those are in the
   * journal. Call before the first write. Resolves to how many of each there were, and whether the
   * journal could not take them (`kept`: they are being finished from memory, and the files stay until
   * they are written, or for the next start).
   */
  async resumeUnfinished(): Promise<{ writes: number; calls: number; kept: boolean }> {
    const logged = this.inFlightLog ? InFlightLog.load(this.inFlightLog.path) : { calls: [], files: [] };
    let writes: number;
    try {
      writes = await this.completer.resume(logged.calls);
    } catch (err) {
      if (!(err instanceof JournalWriteError)) throw err;
      this.completer.onJournalError?.(err);
      // The files go once what they held is written; until then (and after a crash) they are its only record.
      void this.completer.drained().then((done) => {
        if (done) InFlightLog.remove(logged.files);
      });
      return { writes: err.writes, calls: logged.calls.length, kept: true };
    }
    InFlightLog.remove(logged.files);
    return { writes, calls: logged.calls.length, kept: false };
  }

  /** Closes the log of calls in flight: its file goes when none is open, and stays for the next start otherwise. */
  closeLog(): void {
    this.inFlightLog?.close();
  }

  /**
   * What of a group commit is left to write after an attempt that may have landed unseen: the event
   * items not stored (one consistent read), and every outbox row (their consumers take a row written
   * twice once). An event that landed is not written again: a consumer may have acknowledged it.
   */
  private missingOf(requests: BatchRequests): Promise<BatchRequests> {
    return this.withoutStored(requests, (w) => w.PutRequest?.Item as EventKey | undefined);
  }

  /** missingOf for the completer's marshalled writes. */
  private missingWrites(requests: MarshalledRequests): Promise<MarshalledRequests> {
    return this.withoutStored(requests, (w) => {
      const item = w.PutRequest?.Item;
      return item?.tenant_id?.S !== undefined && item.event_id?.S !== undefined ? { tenant_id: item.tenant_id.S, event_id: item.event_id.S } : undefined;
    });
  }

  /** `requests` without the puts of events already stored (`keyOf` reads a put's event key, in either form). */
  private async withoutStored<W>(requests: Record<string, W[]>, keyOf: (write: W) => EventKey | undefined): Promise<Record<string, W[]>> {
    const { [this.table]: writes = [], ...rest } = requests;
    const keys = writes.flatMap((w) => {
      const key = keyOf(w);
      return key ? [{ tenant_id: key.tenant_id, event_id: key.event_id }] : [];
    });
    const stored = new Set((await batchGetAll(this.doc, this.table, keys, { ProjectionExpression: 'event_id' })).map((item) => item.event_id as string));
    const left = writes.filter((w) => !stored.has(keyOf(w)?.event_id ?? ''));
    return left.length > 0 ? { ...rest, [this.table]: left } : rest;
  }

  private readonly batcher: WriteBatcher<Shared, FanoutRowRef | undefined>;
  private readonly tombstoneRetentionMs: number;
  /** Finishes group commits of createNew that landed in part (see batch-completer.ts). */
  readonly completer: BatchCompleter;
  /** The group commits in flight, on disk (only with a journal: it is where a crash leaves them). */
  readonly inFlightLog: InFlightLog | undefined;

  /**
   * Writes a new event with a fresh id, its fan-out entry and its analytics fact (the id is new, so no
   * condition is needed), group-committed with other events written at the same moment: their fan-out
   * entries share one outbox row, and their facts another. Only after every item landed is the event
   * accepted. Resolves to the fan-out row that holds it (undefined when fan-out reads no outbox).
   * When it rejects after part of its call landed, the completer writes the rest, so the event ends
   * readable, delivered and counted rather than readable and never delivered.
   */
  async createNew(event: EventRecord): Promise<FanoutRowRef | undefined> {
    const item = { table: this.table, item: { ...event, inbox_tenant: event.tenant_id } };
    const fact = this.outbox.factFor(event);
    const fanout = this.outbox.fanoutEntryFor(event);
    if (fanout && fanout.json.length > FANOUT_SHARED_EVENT_MAX) {
      await this.batcher.put([item, { table: this.outbox.table, item: this.outbox.fanoutRow([fanout]) }], fact && { fact });
      return { key: event.event_id, size: 1 };
    }
    const row = await this.batcher.put([item], fact || fanout ? { fact, fanout } : undefined);
    return fanout && row;
  }

  /**
   * Writes an event whose id may already exist (idempotent retries); `false` if it did. The event
   * becomes visible only once its outbox rows are durable, so a create that fails half-way never
   * leaves a readable event that nothing delivers or counts (dynalite, the embedded store, has no
   * TransactWriteItems to write both at once). Four steps, each safe to crash after:
   * 1. the event, hidden (`outbox_pending`, no inbox key), only if absent;
   * 2. its fan-out row, marked `reveal` — from here the event is accepted: fan-out reveals it if step 4
   *    never happens, and writes its fact again first (revealAccepted);
   * 3. its analytics fact, only now: written with the fan-out row in one call, a call that landed the
   *    fact but not the row counted an event that nothing would ever reveal;
   * 4. the reveal. A duplicate (a retry after a crash or a 5xx) redoes 2 to 4, completing the work;
   *    the fact is marked `dedupe`, so the processor counts it once however often it is written.
   */
  async createIfAbsent(event: EventRecord): Promise<boolean> {
    const created =
      (await ifConditionHolds(
        this.doc.send(
          new PutCommand({
            TableName: this.table,
            Item: { ...event, [PENDING]: true },
            ConditionExpression: 'attribute_not_exists(event_id)',
          }),
        ),
      )) !== undefined;
    const rows = this.outbox.rowsFor(event, { dedupe: true, reveal: true });
    for (const consumer of ['fanout', 'analytics'] as const) {
      const own = rows.filter((row) => row.consumer === consumer);
      if (own.length > 0) await batchWriteAll(this.doc, { [this.outbox.table]: own.map((row) => ({ PutRequest: { Item: row } })) });
    }
    await this.reveal(event.tenant_id, event.event_id);
    return created;
  }

  /**
   * Fan-out's part for rows marked `reveal`: their events are accepted, and any still hidden had its
   * create stop after step 2 of createIfAbsent, maybe before its fact. Those get their fact written
   * again (marked `dedupe`: counted once whichever copy lands), then are revealed; a visible event's
   * create had written its fact before revealing it.
   */
  async revealAccepted(events: readonly EventRecord[]): Promise<void> {
    const hidden = (await Promise.all(events.map(async (e) => ((await this.isHidden(e.tenant_id, e.event_id)) ? [e] : [])))).flat();
    if (hidden.length === 0) return;
    await this.outbox.putEventFacts(hidden);
    await Promise.all(hidden.map((e) => this.reveal(e.tenant_id, e.event_id)));
  }

  private async isHidden(tenantId: string, eventId: string): Promise<boolean> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { tenant_id: tenantId, event_id: eventId }, ProjectionExpression: PENDING, ConsistentRead: true }),
    );
    return Item?.[PENDING] === true;
  }

  /**
   * Makes a hidden event visible (puts it in the inbox); does nothing to a visible, acknowledged or
   * deleted one. Idempotent: the create and fan-out (revealAccepted) may both call it.
   */
  async reveal(tenantId: string, eventId: string): Promise<void> {
    await ifConditionHolds(
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { tenant_id: tenantId, event_id: eventId },
          UpdateExpression: `SET inbox_tenant = :t REMOVE ${PENDING}`,
          ConditionExpression: `attribute_exists(${PENDING})`,
          ExpressionAttributeValues: { ':t': tenantId },
        }),
      ),
    );
  }

  async get(tenantId: string, eventId: string): Promise<EventRecord | undefined> {
    const { Item } = await this.doc.send(
      new GetCommand({ TableName: this.table, Key: { tenant_id: tenantId, event_id: eventId }, ConsistentRead: true }),
    );
    return Item && !Item[PENDING] && Item[DELETED] === undefined ? strip(Item) : undefined;
  }

  /**
   * Marks a pending event acknowledged and takes it out of the inbox. Idempotent: acking an
   * acknowledged event returns it unchanged. `undefined` when the event does not exist.
   */
  async acknowledge(tenantId: string, eventId: string, at: string): Promise<EventRecord | undefined> {
    const out = await ifConditionHolds(
      this.doc.send(
        new UpdateCommand({
          TableName: this.table,
          Key: { tenant_id: tenantId, event_id: eventId },
          UpdateExpression: 'SET #s = :ack, acknowledged_at = :at REMOVE inbox_tenant',
          ConditionExpression: `attribute_exists(event_id) AND #s = :pending AND attribute_not_exists(${PENDING})`,
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':ack': 'acknowledged', ':pending': 'pending', ':at': at },
          ReturnValues: 'ALL_NEW',
        }),
      ),
    );
    // Condition failed: already acknowledged (return it as it is) or absent (undefined).
    if (!out) return this.get(tenantId, eventId);
    return out.Attributes ? strip(out.Attributes) : undefined;
  }

  /**
   * Deletes an event at `at`; `false` if it did not exist or was deleted already. The item is replaced
   * by its tombstone (key and DELETED only: out of the inbox, unreadable), not removed, so no write of
   * the event still in flight can bring it back. A resend of a delete whose answer was lost finds its
   * own tombstone (same `at`) and counts as done. The tombstone carries TOMBSTONE_TTL, the end of its
   * retention, and TOMBSTONE_SHARD, which puts it in the tombstone index.
   */
  async delete(tenantId: string, eventId: string, at: string): Promise<boolean> {
    const Key = { tenant_id: tenantId, event_id: eventId };
    const ttl = Math.floor((Date.parse(at) + this.tombstoneRetentionMs) / 1000);
    return landedOrConditionFailed(
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { ...Key, [DELETED]: at, [TOMBSTONE_TTL]: ttl, [TOMBSTONE_SHARD]: tombstoneShard(eventId) },
          ConditionExpression: `attribute_exists(event_id) AND attribute_not_exists(${DELETED})`,
        }),
      ),
      async () => (await this.doc.send(new GetCommand({ TableName: this.table, Key, ProjectionExpression: DELETED, ConsistentRead: true }))).Item?.[DELETED] === at,
    );
  }

  /**
   * Pending events oldest first. Filters are applied by DynamoDB after reading, so this pages
   * through the index until `limit` matches or the end; the returned `last` is where to resume.
   */
  async inbox(q: InboxQuery): Promise<{ events: EventRecord[]; last?: string }> {
    const events: EventRecord[] = [];
    let startKey: Record<string, unknown> | undefined = q.after
      ? { inbox_tenant: q.tenantId, tenant_id: q.tenantId, event_id: q.after }
      : undefined;
    const filters: string[] = [];
    const values: Record<string, unknown> = { ':t': q.tenantId };
    if (q.source !== undefined) {
      filters.push('#src = :src');
      values[':src'] = q.source;
    }
    if (q.eventType !== undefined) {
      filters.push('event_type = :et');
      values[':et'] = q.eventType;
    }
    do {
      const page = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          IndexName: 'inbox-index',
          KeyConditionExpression: 'inbox_tenant = :t',
          FilterExpression: filters.length ? filters.join(' AND ') : undefined,
          ExpressionAttributeNames: q.source !== undefined ? { '#src': 'source' } : undefined,
          ExpressionAttributeValues: values,
          ExclusiveStartKey: startKey,
          Limit: q.limit + 1 - events.length,
        }),
      );
      for (const item of page.Items ?? []) events.push(strip(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey && events.length <= q.limit);
    // One extra item tells whether another page exists without a trailing empty page.
    if (events.length > q.limit) {
      events.length = q.limit;
      return { events, last: events[q.limit - 1]?.event_id };
    }
    return { events };
  }
}

function strip(item: Record<string, unknown>): EventRecord {
  const { inbox_tenant: _inbox, ...rest } = item;
  return rest as unknown as EventRecord;
}

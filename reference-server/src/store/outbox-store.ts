// The durable outbox: rows written with each event, read oldest first by each consumer (webhook
// fan-out, analytics) and deleted once the consumer's idempotent work is done. Both have a row per
// write batch, holding the events (fan-out) or facts (analytics) of every event group-committed in it;
// an event created idempotently, or too large to share, has rows of its own. A crash between storing
// an event and acting on it leaves the row, so the work is redone.
//
// A row can land again after its consumer deleted it: the SDK resends a write whose answer it lost,
// and the batch completer rewrites what a failed group commit may have left. Fan-out finds the
// deliveries it made; analytics would count the facts again. So the analytics consumer records the
// rows it consumed, in a partition of their own (`analytics-consumed`), one item per batch and
// second of row keys, written with the deletes, and drops the facts of a row read again while that
// record lasts (CONSUMED_RETENTION_MS).
import type { WriteRequest } from '@aws-sdk/client-dynamodb';
import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { encodeTime } from 'ulid';
import type { EventFact, Fact } from '../domain/analytics.js';
import type { EventRecord } from '../domain/event.js';
import { batchWriteAll, chunks25, type BatchRequests } from './batch-write.js';

/** Consumers of the outbox; each event gets one row per consumer. */
export type OutboxConsumer = 'fanout' | 'analytics';

/** A fan-out row as read: its key (the id of its first event) and its events, in the order written. */
export interface OutboxRow {
  consumer: 'fanout';
  event_id: string;
  events: EventRecord[];
  /** The (one) event may still be hidden (its create stopped between the rows and the reveal): fan-out reveals it. */
  reveal?: true;
}

/** Which fan-out row holds an event: the row's key and how many events it holds. */
export interface FanoutRowRef {
  key: string;
  size: number;
}

/** An event's fan-out entry as written: its id and its JSON (a row holds one or more). */
export interface FanoutEntry {
  event_id: string;
  json: string;
}

/**
 * Longest event JSON that shares a fan-out row with others; a larger event gets a row of its own, so a
 * row of a whole write batch (at most 24 events) stays far below DynamoDB's 400 KB item limit.
 */
export const FANOUT_SHARED_EVENT_MAX = 8 * 1024;

/**
 * A fact as read from an analytics row: only what the processor needs, never the payload. `event_id`
 * is the row's sort key, shared by every fact of a bundle; it orders events and stats flushes together
 * by time: the ULID part of the (first) fact's id first, then the id itself.
 */
export interface FactRow {
  consumer: 'analytics';
  event_id: string;
  fact: Fact;
}

/**
 * A row as stored: the event or fact as one JSON string attribute, not a nested map. Neither is ever
 * filtered on, and one string costs the SDK and the store a fraction of what marshalling and
 * validating a map attribute by attribute does, on every event's write and read. Rows written as maps
 * (`event`, `fact`) by earlier versions are still read.
 */
export type StoredRow =
  | { consumer: 'fanout'; event_id: string; event_json: string; reveal?: true }
  | { consumer: 'fanout'; event_id: string; events_json: string }
  | { consumer: 'analytics'; event_id: string; fact_json: string }
  | { consumer: 'analytics'; event_id: string; facts_json: string };

const factItem = (fact: Fact): StoredRow => ({ consumer: 'analytics', event_id: factKey(fact.id), fact_json: JSON.stringify(fact) });

/**
 * Most bytes of facts (their JSON, UTF-8) one read hands the processor. A batch's manifest stores its
 * facts in one item, which DynamoDB caps at 400 KB: 250 facts whose sources are 256 control characters
 * (6 bytes each once escaped) came to ~480 KB, an item the store refused, so the batch could never open
 * and analytics stopped for every tenant. A read keeps whole rows; its first row alone (one write
 * batch's facts, at most a few dozen) always fits.
 */
export const BATCH_FACT_BYTES = 256 * 1024;

/** UTF-8 bytes of a row's facts as stored (the manifest holds the same JSON). */
function factBytesOf(item: Record<string, unknown>): number {
  const json = typeof item.facts_json === 'string' ? item.facts_json : typeof item.fact_json === 'string' ? item.fact_json : JSON.stringify(item.fact);
  return Buffer.byteLength(json);
}

/** Facts of a row as stored: a bundle, one fact as a string, or (earlier versions) one fact as a map. */
function factsOf(item: Record<string, unknown>): Fact[] {
  if (typeof item.facts_json === 'string') return JSON.parse(item.facts_json) as Fact[];
  return [(item.fact as Fact | undefined) ?? (JSON.parse(item.fact_json as string) as Fact)];
}

/** Events of a fan-out row as stored: a row of a write batch, or (idempotent creates, earlier versions) one event. */
function eventsOf(item: Record<string, unknown>): EventRecord[] {
  if (typeof item.events_json === 'string') return JSON.parse(item.events_json) as EventRecord[];
  return [(item.event as EventRecord | undefined) ?? (JSON.parse(item.event_json as string) as EventRecord)];
}

/**
 * A marshalled write made safe to write again: the event facts of an analytics row are marked
 * `dedupe`, so the processor counts them once however often the row lands. Other writes are already
 * safe to repeat (an event item is the same item; a fan-out row finds its deliveries existing).
 */
export function repeatableWrite(write: WriteRequest): WriteRequest {
  const item = write.PutRequest?.Item;
  if (item?.consumer?.S !== 'analytics') return write;
  const mark = (fact: Fact): Fact => (fact.kind === 'event' ? { ...fact, dedupe: true } : fact);
  if (item.facts_json?.S !== undefined) return { PutRequest: { Item: { ...item, facts_json: { S: JSON.stringify((JSON.parse(item.facts_json.S) as Fact[]).map(mark)) } } } };
  if (item.fact_json?.S !== undefined) return { PutRequest: { Item: { ...item, fact_json: { S: JSON.stringify(mark(JSON.parse(item.fact_json.S) as Fact)) } } } };
  return write;
}

/** Sort key of a fact: `evt_01J…` → `01J…#evt_01J…`, so every kind of fact sorts by time. */
const factKey = (id: string): string => `${id.slice(id.indexOf('_') + 1)}#${id}`;

/**
 * How long the record of a consumed analytics row lasts, counted from the time in its key (when its
 * first fact was made). It outlasts every way a row comes back: the SDK's resends (5 attempts of at
 * most 10 s) and the batch completer (COMPLETE_WITHIN_MS, 5 minutes), with room to spare. The one
 * way past it: the completer's journal, finished at a start more than this after a crash, rewrites
 * rows that may have landed and been counted; their facts may then be counted twice. (An idempotent
 * retry, up to 24 hours later, rewrites only rows whose facts are marked `dedupe`, which the
 * processor's markers count once for two days.)
 */
export const CONSUMED_RETENTION_MS = 30 * 60_000;

/** Partition of the records of consumed analytics rows. */
const CONSUMED = 'analytics-consumed';

/**
 * A row key's time bucket: the first 8 characters of its ULID (1.024 s). A record is keyed by bucket
 * and batch, so the rows read in one batch (a fraction of a second of writes) are checked by one query.
 */
const BUCKET_LEN = 8;
const bucketOf = (rowKey: string): string => rowKey.slice(0, BUCKET_LEN);

export class OutboxStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    readonly table: string,
    readonly consumers: readonly OutboxConsumer[],
  ) {}

  /**
   * The rows to write alongside `event`. `dedupe` marks an analytics fact that may be written again
   * later (an idempotent retry rewrites its rows), so the processor checks it against its markers;
   * `reveal` marks a fan-out row whose event was written hidden (see EventsStore.createIfAbsent).
   */
  rowsFor(event: EventRecord, opts: { dedupe?: boolean; reveal?: boolean } = {}): StoredRow[] {
    return this.consumers.map((consumer) => {
      if (consumer === 'fanout') return { consumer: 'fanout', event_id: event.event_id, event_json: JSON.stringify(event), ...(opts.reveal ? { reveal: true as const } : {}) };
      return factItem(this.factOf(event, opts.dedupe));
    });
  }

  /** The fan-out entry of a new event, to be written in a row with others (`fanoutRow`); undefined when fan-out reads no outbox. */
  fanoutEntryFor(event: EventRecord): FanoutEntry | undefined {
    return this.consumers.includes('fanout') ? { event_id: event.event_id, json: JSON.stringify(event) } : undefined;
  }

  /**
   * One fan-out row holding `entries` (at least one), keyed by the first: the events written in the same
   * batch share a row, so an event costs the store a share of one row's write, read and delete (a row
   * per event was two of the three items each event wrote and one of the two it deleted).
   */
  fanoutRow(entries: readonly FanoutEntry[]): StoredRow {
    return { consumer: 'fanout', event_id: entries[0]!.event_id, events_json: `[${entries.map((e) => e.json).join(',')}]` };
  }

  /** The analytics fact of a new event, to be written in a row with others (`factsRow`); undefined when analytics reads a stream. */
  factFor(event: EventRecord): EventFact | undefined {
    return this.consumers.includes('analytics') ? this.factOf(event) : undefined;
  }

  /**
   * One analytics row holding `facts` (at least one): the facts of events written in the same batch
   * share a row, so an event costs the store a fraction of a row's write, read and delete instead of
   * one each (with analytics rows per event, they were a quarter of the CPU of the server and of
   * dynalite per ingested event; docs/BENCHMARKS.md). Keyed by its first fact, unique and in time order.
   */
  factsRow(facts: readonly Fact[]): StoredRow {
    return { consumer: 'analytics', event_id: factKey(facts[0]!.id), facts_json: JSON.stringify(facts) };
  }

  private factOf(event: EventRecord, dedupe?: boolean): EventFact {
    return {
      kind: 'event',
      id: event.event_id,
      tenant_id: event.tenant_id,
      source: event.source,
      event_type: event.event_type,
      created_at: event.created_at,
      ...(dedupe ? { dedupe: true } : {}),
    };
  }

  /**
   * Writes the facts of `events` again, marked `dedupe` (the processor drops a fact it already
   * counted): for accepted events whose create may have stopped before writing them. Nothing when
   * analytics reads no outbox.
   *
   * One row per event, the very row its create writes (same key, same content), so the two writes may
   * land in either order. A row holding several events' facts is keyed by one of them: a create's late
   * write of its own row, or a later pass over fewer events, replaced it and lost the others' facts.
   */
  async putEventFacts(events: readonly EventRecord[]): Promise<void> {
    if (!this.consumers.includes('analytics')) return;
    for (const chunk of chunks25(events)) {
      await batchWriteAll(this.doc, { [this.table]: chunk.map((e) => ({ PutRequest: { Item: factItem(this.factOf(e, true)) } })) });
    }
  }

  /** Queues a fact that is not an event (a stats flush) for the analytics processor. */
  async putFact(fact: Fact): Promise<void> {
    await batchWriteAll(this.doc, { [this.table]: [{ PutRequest: { Item: factItem(fact) } }] });
  }

  /** Facts per analytics row seen by the last read: how many rows the next read asks for. */
  private factsPerRow = 1;

  /**
   * Oldest analytics facts, whole rows only: at most `limit` facts and BATCH_FACT_BYTES of them, or the
   * first row's if it alone holds more. Rows are read in pages sized by how many facts rows held last time.
   */
  async readFacts(limit: number): Promise<FactRow[]> {
    return (await this.readFactBatch(limit)).facts;
  }

  /** As `readFacts`, and whether rows remain beyond those read (`more`: the read stopped at the limit). */
  async readFactBatch(limit: number): Promise<{ facts: FactRow[]; more: boolean }> {
    const out: FactRow[] = [];
    let rows = 0;
    let bytes = 0;
    let start: Record<string, unknown> | undefined;
    do {
      // One row more than the limit seems to need: seeing it tells whether more remain.
      const want = Math.max(1, Math.ceil((limit - out.length) / this.factsPerRow)) + 1;
      const page = await this.query('analytics', want, start);
      start = page.last;
      for (const item of page.items) {
        const facts = factsOf(item);
        bytes += factBytesOf(item);
        if (out.length >= limit || (out.length > 0 && (out.length + facts.length > limit || bytes > BATCH_FACT_BYTES))) return this.readDone(out, rows, true);
        rows++;
        for (const fact of facts) out.push({ consumer: 'analytics', event_id: item.event_id as string, fact });
      }
    } while (start && out.length < limit);
    // Stopped at the limit at the end of a page that may not be the last: assume more.
    return this.readDone(out, rows, start !== undefined);
  }

  private readDone(facts: FactRow[], rows: number, more: boolean): { facts: FactRow[]; more: boolean } {
    if (rows > 0) this.factsPerRow = Math.max(1, facts.length / rows);
    return { facts, more };
  }

  /** Oldest rows of `consumer`, at most `limit`. */
  async read(consumer: 'fanout', limit: number): Promise<OutboxRow[]> {
    return (await this.readPage(consumer, limit)).rows;
  }

  /** Events per fan-out row seen by the last read that found any: how many rows a batch of events takes. */
  fanoutEventsPerRow = 1;

  /**
   * Oldest rows of `consumer` after the row `after` (from the first without it), at most `limit` rows,
   * and whether rows may remain beyond them (`more`: the read stopped at the limit).
   */
  async readPage(consumer: 'fanout', limit: number, after?: string): Promise<{ rows: OutboxRow[]; more: boolean }> {
    const page = await this.query(consumer, limit, after === undefined ? undefined : { consumer, event_id: after });
    const rows = page.items.map((item) => ({
      consumer,
      event_id: item.event_id as string,
      events: eventsOf(item),
      ...(item.reveal ? { reveal: true as const } : {}),
    }));
    if (rows.length > 0) this.fanoutEventsPerRow = rows.reduce((n, r) => n + r.events.length, 0) / rows.length;
    return { rows, more: page.last !== undefined };
  }

  private async query(consumer: OutboxConsumer, limit: number, start?: Record<string, unknown>): Promise<{ items: Record<string, unknown>[]; last?: Record<string, unknown> }> {
    const { Items, LastEvaluatedKey } = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'consumer = :c',
        ExpressionAttributeValues: { ':c': consumer },
        Limit: limit,
        ExclusiveStartKey: start,
        ConsistentRead: true,
      }),
    );
    return { items: Items ?? [], last: LastEvaluatedKey };
  }

  /**
   * Which of these analytics rows were consumed before (within CONSUMED_RETENTION_MS): one
   * consistent query over the buckets they fall in.
   */
  async consumedRows(keys: readonly string[]): Promise<Set<string>> {
    const out = new Set<string>();
    if (keys.length === 0) return out;
    const wanted = new Set(keys);
    const buckets = [...new Set(keys.map(bucketOf))].sort();
    let start: Record<string, unknown> | undefined;
    do {
      const { Items, LastEvaluatedKey } = await this.doc.send(
        new QueryCommand({
          TableName: this.table,
          // `~` sorts after every character of a record's key (`<bucket>#<seq>`).
          KeyConditionExpression: 'consumer = :c AND event_id BETWEEN :lo AND :hi',
          ExpressionAttributeValues: { ':c': CONSUMED, ':lo': buckets[0], ':hi': `${buckets[buckets.length - 1]}~` },
          ExclusiveStartKey: start,
          ConsistentRead: true,
        }),
      );
      for (const item of Items ?? []) {
        const bucket = bucketOf(item.event_id as string);
        for (const rest of (item.rows as string).split(' ')) if (wanted.has(bucket + rest)) out.add(bucket + rest);
      }
      start = LastEvaluatedKey;
    } while (start);
    return out;
  }

  /**
   * Deletes consumed analytics rows and records them as consumed by batch `seq` (the same record
   * however often the batch is acknowledged). The record lands with the deletes, before the batch
   * closes: a later batch, read after this one closed, sees it.
   */
  async consume(keys: readonly string[], seq: number): Promise<void> {
    const byBucket = new Map<string, string[]>();
    for (const key of keys) {
      const rests = byBucket.get(bucketOf(key)) ?? [];
      rests.push(key.slice(BUCKET_LEN));
      byBucket.set(bucketOf(key), rests);
    }
    const records = [...byBucket].map(([bucket, rests]) => ({
      PutRequest: { Item: { consumer: CONSUMED, event_id: `${bucket}#${String(seq).padStart(12, '0')}`, rows: rests.join(' ') } },
    }));
    const deletes = keys.map((event_id) => ({ DeleteRequest: { Key: { consumer: 'analytics', event_id } } }));
    for (const chunk of chunks25([...records, ...deletes])) await batchWriteAll(this.doc, { [this.table]: chunk });
  }

  /** Deletes records of consumed rows past CONSUMED_RETENTION_MS; returns how many. */
  async sweepConsumed(nowMs: number): Promise<number> {
    const cutoff = encodeTime(Math.max(0, nowMs - CONSUMED_RETENTION_MS), 10).toLowerCase().slice(0, BUCKET_LEN);
    let swept = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const input: QueryCommandInput = {
        TableName: this.table,
        KeyConditionExpression: 'consumer = :c AND event_id < :cut',
        ExpressionAttributeValues: { ':c': CONSUMED, ':cut': cutoff },
        ProjectionExpression: 'event_id',
        Limit: 100,
        ExclusiveStartKey: start,
      };
      const { Items, LastEvaluatedKey } = await this.doc.send(new QueryCommand(input));
      const keys = (Items ?? []).map((i) => i.event_id as string);
      for (const chunk of chunks25(keys)) await batchWriteAll(this.doc, { [this.table]: chunk.map((event_id) => ({ DeleteRequest: { Key: { consumer: CONSUMED, event_id } } })) });
      swept += keys.length;
      start = LastEvaluatedKey;
    } while (start);
    return swept;
  }

  /** Deletes handled rows, by sort key (the first event's id for fan-out rows, `factKey` for analytics rows). */
  async remove(consumer: OutboxConsumer, eventIds: readonly string[]): Promise<void> {
    for (const chunk of chunks25(eventIds)) await batchWriteAll(this.doc, this.deleteRequests(consumer, chunk));
  }

  /** BatchWriteItem requests deleting these rows, for a call that carries other writes too. */
  deleteRequests(consumer: OutboxConsumer, eventIds: readonly string[]): BatchRequests {
    return { [this.table]: eventIds.map((event_id) => ({ DeleteRequest: { Key: { consumer, event_id } } })) };
  }
}

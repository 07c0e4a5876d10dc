// The two change feeds behind one processor: the durable outbox (dynalite, which has no Streams,
// and always for stats flushes) and the events table's DynamoDB Stream (DynamoDB Local, AWS), one
// feed per shard, taken in lineage order so a child shard starts only after its parent ended.
import {
  DescribeStreamCommand,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  TrimmedDataAccessException,
  type DynamoDBStreamsClient,
  type Shard,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import type { EventFact, Fact } from '../domain/analytics.js';
import type { AnalyticsStateStore } from '../store/analytics-state-store.js';
import { BATCH_FACT_BYTES, type OutboxStore } from '../store/outbox-store.js';
import { PENDING } from '../store/events-store.js';
import { DELETED } from '../store/tombstone-store.js';
import type { ChangeFeed, FeedBatch } from './analytics-processor.js';

/**
 * The facts in the outbox's analytics rows, oldest first; acknowledging deletes their rows and records
 * them as consumed. A row read again after it was consumed (a write's resend landing late) is
 * acknowledged with no facts counted.
 */
export function outboxFeed(outbox: OutboxStore): ChangeFeed {
  return {
    key: 'outbox',
    async next(_position, limit) {
      const { facts: rows, more } = await outbox.readFactBatch(limit);
      if (rows.length === 0) return undefined;
      // A bundle's facts share their row's key: each row is deleted once.
      const ack = [...new Set(rows.map((r) => r.event_id))];
      const consumed = await outbox.consumedRows(ack);
      const facts = rows.filter((r) => !consumed.has(r.event_id)).map((r) => r.fact);
      return { facts, ack, position: null, ended: false, more, oldestMs: oldestOf(rows.map((r) => r.fact)) };
    },
    async ack(m) {
      await outbox.consume(m.ack, m.seq);
    },
  };
}

function oldestOf(facts: readonly Fact[]): number | undefined {
  let oldest: number | undefined;
  for (const f of facts) {
    const at = Date.parse(f.kind === 'event' ? f.created_at : f.hour);
    if (oldest === undefined || at < oldest) oldest = at;
  }
  return oldest;
}

/**
 * An event becoming visible, as a fact: an INSERT of a visible event item, or the MODIFY that reveals
 * one written hidden (see EventsStore.createIfAbsent). Other records (ack, a delete's tombstone) count nothing.
 */
function factOfRecord(record: StreamRecord): EventFact | undefined {
  const images = record.dynamodb;
  if (!images?.NewImage || (record.eventName !== 'INSERT' && record.eventName !== 'MODIFY')) return undefined;
  const item = unmarshall(images.NewImage as Record<string, AttributeValue>);
  if (item[PENDING] !== undefined || item[DELETED] !== undefined) return undefined;
  if (record.eventName === 'MODIFY' && images.OldImage?.[PENDING] === undefined) return undefined;
  if (typeof item.event_id !== 'string' || typeof item.tenant_id !== 'string') return undefined;
  return { kind: 'event', id: item.event_id, tenant_id: item.tenant_id, source: String(item.source), event_type: String(item.event_type), created_at: String(item.created_at) };
}

/**
 * The first records of a page whose facts' JSON takes at most BATCH_FACT_BYTES (at least one record),
 * and those facts: a batch's manifest holds them in one item (see BATCH_FACT_BYTES).
 */
export function withinFactBytes(page: readonly StreamRecord[]): { records: StreamRecord[]; facts: EventFact[] } {
  const records: StreamRecord[] = [];
  const facts: EventFact[] = [];
  let bytes = 0;
  for (const record of page) {
    const fact = factOfRecord(record);
    if (fact) bytes += Buffer.byteLength(JSON.stringify(fact));
    if (records.length > 0 && bytes > BATCH_FACT_BYTES) break;
    records.push(record);
    if (fact) facts.push(fact);
  }
  return { records, facts };
}

/** GetRecords hops over empty pages of an open shard before saying there is nothing new. */
const EMPTY_HOPS = 3;

/** One shard of the events stream, read from its checkpoint (a sequence number) on each call. */
function shardFeed(streams: DynamoDBStreamsClient, streamArn: string, shardId: string): ChangeFeed {
  return {
    key: `stream:${shardId}`,
    async next(position, limit): Promise<FeedBatch | undefined> {
      let iterator = await iteratorAfter(streams, streamArn, shardId, position);
      for (let hop = 0; iterator && hop < EMPTY_HOPS; hop++) {
        const out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }));
        const page = out.Records ?? [];
        iterator = out.NextShardIterator;
        if (page.length > 0) {
          const { records, facts } = withinFactBytes(page);
          const cut = records.length < page.length;
          const created = records.map((r) => r.dynamodb?.ApproximateCreationDateTime?.getTime()).filter((t): t is number => t !== undefined);
          return {
            facts,
            ack: [],
            position: records[records.length - 1]!.dynamodb!.SequenceNumber!,
            // No next iterator after a page means the shard is closed and this was its end.
            ended: iterator === undefined && !cut,
            more: cut || (iterator !== undefined && page.length >= limit),
            oldestMs: created.length ? Math.min(...created) : undefined,
          };
        }
      }
      // A closed shard with nothing left: record that it ended, so its children may start.
      if (iterator === undefined) return { facts: [], ack: [], position, ended: true, more: false, oldestMs: undefined };
      return undefined;
    },
    async ack() {
      // The checkpoint lives in the feed item, moved when the batch closes; nothing else to do.
    },
  };
}

async function iteratorAfter(streams: DynamoDBStreamsClient, StreamArn: string, ShardId: string, position: string | null): Promise<string | undefined> {
  try {
    const out = await streams.send(
      new GetShardIteratorCommand(
        position
          ? { StreamArn, ShardId, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: position }
          : { StreamArn, ShardId, ShardIteratorType: 'TRIM_HORIZON' },
      ),
    );
    return out.ShardIterator;
  } catch (err) {
    // The checkpoint fell out of the stream's 24-hour retention: nothing can recover those records;
    // continue from the oldest that remain rather than stall forever.
    if (err instanceof TrimmedDataAccessException || err instanceof ExpiredIteratorException) {
      const out = await streams.send(new GetShardIteratorCommand({ StreamArn, ShardId, ShardIteratorType: 'TRIM_HORIZON' }));
      return out.ShardIterator;
    }
    throw err;
  }
}

/**
 * The shards of a stream whose turn it is: those whose parent is gone from the stream (trimmed) or
 * has ended, and that have not ended themselves.
 */
export async function readyShardFeeds(
  streams: DynamoDBStreamsClient,
  state: AnalyticsStateStore,
  streamArn: string,
): Promise<ChangeFeed[]> {
  const shards: Shard[] = [];
  let start: string | undefined;
  do {
    const out = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: start }));
    shards.push(...(out.StreamDescription?.Shards ?? []));
    start = out.StreamDescription?.LastEvaluatedShardId;
  } while (start);
  const present = new Set(shards.map((s) => s.ShardId));
  const feeds: ChangeFeed[] = [];
  for (const shard of shards) {
    const id = shard.ShardId!;
    const own = await state.get(`stream:${id}`);
    if (own.ended && own.status === 'done') continue;
    const parent = shard.ParentShardId;
    if (parent && present.has(parent)) {
      const p = await state.get(`stream:${parent}`);
      if (!(p.ended && p.status === 'done')) continue;
    }
    feeds.push(shardFeed(streams, streamArn, id));
  }
  return feeds;
}

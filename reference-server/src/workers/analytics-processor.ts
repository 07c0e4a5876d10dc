// The analytics processor: turns a change feed into aggregate rows, counting every fact exactly once
// without transactions. Per feed, batches are strictly sequential:
//   1. read the feed item; if a batch is open (someone crashed or is still at it), finish that first;
//   2. read the next facts after the checkpoint and drop those already counted (markers);
//   3. open batch seq+1 by a conditional write that stores its manifest — the exact facts — so a
//      batch has one content, whoever opens it and however often it is retried;
//   4. apply its per-row deltas: each row records the last seq it absorbed from this feed, so a
//      re-applied batch changes nothing;
//   5. write markers for facts the feed may carry again, acknowledge the feed, close the batch.
// Any step may be cut short (crash, lost race, injected fault); every step is safe to redo, and
// only the holder of an open manifest's content can add its facts, so counts never double.
import { deltasFor, type Fact } from '../domain/analytics.js';
import type { Clock } from '../domain/clock.js';
import type { AnalyticsStateStore, FeedState, Manifest } from '../store/analytics-state-store.js';
import type { AnalyticsStore } from '../store/analytics-store.js';

/** What a feed hands the processor after a position. */
export interface FeedBatch {
  facts: Fact[];
  /** Outbox sort keys to delete once counted (empty for stream feeds). */
  ack: string[];
  /** Position after this batch (stream sequence number), `null` for the outbox. */
  position: string | null;
  /** Nothing will ever follow this batch (a closed stream shard read to its end). */
  ended: boolean;
  /** More was ready than the batch could take (it stopped at the limit). */
  more: boolean;
  /** Age reference of the oldest fact read, epoch ms (for the lag gauge). */
  oldestMs: number | undefined;
}

/** A source of facts with a durable position: the outbox, or one stream shard. */
export interface ChangeFeed {
  /** Stable name: `outbox`, `stream:<shard id>`. */
  readonly key: string;
  /** Facts after `position`, at most `limit`; `undefined` when there is nothing new yet. */
  next(position: string | null, limit: number): Promise<FeedBatch | undefined>;
  /** Called after a batch's facts are in the rows; must be idempotent. */
  ack(m: Manifest): Promise<void>;
}

export interface ProcessorDeps {
  rows: AnalyticsStore;
  state: AnalyticsStateStore;
  clock: Clock;
  /** Facts per batch. */
  batchSize: number;
  /** Fault point before each write (crash and pause injection in tests and chaos runs). */
  beforeStep?: (step: AnalyticsStep) => Promise<void>;
  /** Told about each batch this call closed. */
  onClosed?: (m: Manifest, feed: string) => void;
  /** Told how old the oldest unread fact is, ms (0 when the feed is drained). */
  onLag?: (feed: string, lagMs: number) => void;
}

export type AnalyticsStep = 'open' | 'apply' | 'mark' | 'ack' | 'close';

/** Row deltas applied at once: enough to overlap round trips, few enough to stay gentle. */
const APPLY_PARALLELISM = 8;

/** What one step did: whether it moved the feed, facts it counted, and whether the feed had more ready. */
export interface Step {
  progressed: boolean;
  counted: number;
  /** More facts were ready than this step took (or it only finished an earlier batch): step again now. */
  more: boolean;
}

/**
 * One step of progress on `feed`: finishes an open batch, or opens and finishes the next one.
 * Returns how many facts were counted by this call (0 when idle or when another processor moved on).
 */
export async function processOnce(deps: ProcessorDeps, feed: ChangeFeed): Promise<Step> {
  const state = await deps.state.get(feed.key);
  if (state.status === 'open' && state.manifest) {
    await finish(deps, feed, state.manifest);
    return { progressed: true, counted: state.manifest.facts.length, more: true };
  }
  if (state.ended) return { progressed: false, counted: 0, more: false };
  const batch = await feed.next(state.position, deps.batchSize);
  deps.onLag?.(feed.key, batch?.oldestMs === undefined ? 0 : Math.max(0, deps.clock.now() - batch.oldestMs));
  if (!batch) return { progressed: false, counted: 0, more: false };
  const facts = await uncounted(deps, batch.facts);
  const manifest: Manifest = { seq: state.last_seq + 1, facts, ack: batch.ack, position: batch.position, ended: batch.ended };
  await deps.beforeStep?.('open');
  if (!(await deps.state.open(state, manifest))) return { progressed: true, counted: 0, more: true };
  await finish(deps, feed, manifest);
  return { progressed: true, counted: facts.length, more: batch.more };
}

/** Drops repeats inside the batch and facts an earlier batch already counted. */
async function uncounted(deps: ProcessorDeps, facts: readonly Fact[]): Promise<Fact[]> {
  const unique = [...new Map(facts.map((f) => [f.id, f])).values()];
  const suspects = unique.filter(mayRepeat).map((f) => f.id);
  if (suspects.length === 0) return unique;
  const seen = await deps.state.seen(suspects);
  return unique.filter((f) => !seen.has(f.id));
}

const mayRepeat = (f: Fact) => f.kind === 'event' && f.dedupe === true;

/** Applies, marks, acknowledges and closes an opened batch; every part is idempotent. */
async function finish(deps: ProcessorDeps, feed: ChangeFeed, m: Manifest): Promise<void> {
  const deltas = [...deltasFor(m.facts).values()];
  for (let i = 0; i < deltas.length; i += APPLY_PARALLELISM) {
    await deps.beforeStep?.('apply');
    await Promise.all(deltas.slice(i, i + APPLY_PARALLELISM).map((d) => deps.rows.apply(d.key, d.counts, feed.key, m.seq)));
  }
  const repeatable = m.facts.filter(mayRepeat).map((f) => f.id);
  if (repeatable.length > 0) {
    await deps.beforeStep?.('mark');
    await deps.state.markSeen(repeatable, deps.clock.now());
  }
  await deps.beforeStep?.('ack');
  await feed.ack(m);
  await deps.beforeStep?.('close');
  if (await deps.state.close(feed.key, m)) deps.onClosed?.(m, feed.key);
}

/** Runs `feed` until it has nothing new (bounded by `maxBatches`); returns the facts counted. */
export async function drain(deps: ProcessorDeps, feed: ChangeFeed, maxBatches = 1_000): Promise<number> {
  let counted = 0;
  for (let i = 0; i < maxBatches; i++) {
    const step = await processOnce(deps, feed);
    counted += step.counted;
    if (!step.progressed) return counted;
  }
  return counted;
}

export type { FeedState };

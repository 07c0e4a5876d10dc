// Runs the analytics processor until stopped: drains every feed (the outbox, and the stream's ready
// shards when the events table has a stream), sleeps until woken by a new event or the poll, and
// sweeps expired rows and markers on backends that never expire items. A failing store backs the
// loop off; it never ends it.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import type { Logger } from 'pino';
import { DescribeTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import type { Config } from '../config.js';
import { createStreamsClient } from '../store/dynamo-client.js';
import type { Clock } from '../domain/clock.js';
import type { Stores } from '../store/stores.js';
import { outboxFeed, readyShardFeeds } from './analytics-feeds.js';
import { processOnce, type AnalyticsStep, type ChangeFeed, type ProcessorDeps } from './analytics-processor.js';
import type { Manifest } from '../store/analytics-state-store.js';
import { WakeSignal } from './wake-signal.js';

export interface AnalyticsMetrics {
  lag: Gauge;
  facts: Counter<'kind'>;
  visibility: Histogram;
}

function createAnalyticsMetrics(registry: Registry): AnalyticsMetrics {
  return {
    lag: new Gauge({ name: 'analytics_lag_seconds', help: 'Age of the oldest fact not yet counted in analytics (0 when drained)', registers: [registry] }),
    facts: new Counter({ name: 'analytics_facts_total', help: 'Facts counted into analytics, by kind (event, stats)', labelNames: ['kind'], registers: [registry] }),
    visibility: new Histogram({
      name: 'analytics_event_visibility_seconds',
      help: 'From an event being stored to its batch being counted',
      buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
      registers: [registry],
    }),
  };
}

export interface AnalyticsRuntimeOptions {
  stores: Stores;
  clock: Clock;
  logger: Logger;
  registry: Registry;
  pollMs: number;
  batchSize: number;
  sweepMs: number;
  /** The events table's stream, when the feed mode is `streams`. */
  stream?: { client: DynamoDBStreamsClient; arn: string };
  beforeStep?: (step: AnalyticsStep) => Promise<void>;
  /** Told about each batch once it is counted (benchmarks measure visibility with it). */
  onCounted?: (m: Manifest, nowMs: number) => void;
}

export interface AnalyticsRuntime {
  /** Signals that an event or stats fact was stored. */
  wake(): void;
  stop(): Promise<void>;
  metrics: AnalyticsMetrics;
}

/** How long a listing of the stream's ready shards is reused. */
const SHARD_LIST_MS = 5_000;

/**
 * How long the loop waits after a wake-up so events arriving together share a batch. A batch costs
 * about nine DynamoDB calls whatever its size, so waking per event would spend more on analytics than
 * on ingest; 100 ms keeps a batch per tenth of a second, far inside the 2 s freshness target.
 */
const GATHER_MS = 100;

export function startAnalytics(opts: AnalyticsRuntimeOptions): AnalyticsRuntime {
  const metrics = createAnalyticsMetrics(opts.registry);
  const signal = new WakeSignal();
  const lags = new Map<string, number>();
  let stopped = false;
  const deps: ProcessorDeps = {
    rows: opts.stores.analytics,
    state: opts.stores.analyticsState,
    clock: opts.clock,
    batchSize: opts.batchSize,
    beforeStep: opts.beforeStep,
    onLag: (feed, ms) => {
      lags.set(feed, ms);
      metrics.lag.set(Math.max(0, ...lags.values()) / 1000);
    },
    onClosed: (m) => {
      const now = opts.clock.now();
      opts.onCounted?.(m, now);
      for (const f of m.facts) {
        metrics.facts.inc({ kind: f.kind });
        if (f.kind === 'event') metrics.visibility.observe(Math.max(0, now - Date.parse(f.created_at)) / 1000);
      }
    },
  };
  const outbox = outboxFeed(opts.stores.outbox);
  // The shard list changes rarely (AWS rotates shards every few hours): list it at most every few
  // seconds rather than on every poll.
  let shards: { at: number; feeds: ChangeFeed[] } | undefined;
  const feeds = async (): Promise<ChangeFeed[]> => {
    if (!opts.stream) return [outbox];
    if (!shards || opts.clock.now() - shards.at >= SHARD_LIST_MS) {
      shards = { at: opts.clock.now(), feeds: await readyShardFeeds(opts.stream.client, opts.stores.analyticsState, opts.stream.arn) };
    }
    return [outbox, ...shards.feeds];
  };

  let lastSweep = opts.clock.now();
  const loop = async () => {
    while (!stopped) {
      try {
        // Busy: some feed had more ready than a batch took. A feed that has caught up waits for the
        // gather below before its next batch, even while events keep arriving: stepping again at once
        // made batches of the few facts that came in meanwhile, over 20 a second at 2,000 events/s
        // (a batch costs about nine store calls whatever its size, so those calls were half of all
        // the server made, and a sixth of its CPU).
        let busy = false;
        for (const feed of await feeds()) {
          // A few batches per feed per round, so one busy feed cannot starve the others.
          for (let i = 0; i < 4 && !stopped; i++) {
            const step = await processOnce(deps, feed);
            if (!step.progressed || !step.more) break;
            busy = true;
          }
        }
        if (opts.clock.now() - lastSweep >= opts.sweepMs) {
          lastSweep = opts.clock.now();
          const rows = await opts.stores.analytics.sweepExpired(lastSweep);
          const markers = await opts.stores.analyticsState.sweepExpired(lastSweep);
          const consumed = await opts.stores.outbox.sweepConsumed(lastSweep);
          if (rows + markers + consumed > 0) opts.logger.info({ rows, markers, consumed }, 'analytics: swept expired items');
        }
        if (!busy && (await signal.wait(opts.pollMs))) await new Promise((r) => setTimeout(r, GATHER_MS));
      } catch (err) {
        opts.logger.warn({ err }, 'analytics step failed; backing off');
        await signal.wait(Math.min(5_000, opts.pollMs * 4));
      }
    }
  };
  const running = loop();
  return {
    wake: () => signal.wake(),
    metrics,
    async stop() {
      stopped = true;
      signal.wake();
      await running;
      opts.stream?.client.destroy();
    },
  };
}

/** The events stream to read in `streams` mode (whose table `ensureTables` gave a stream). */
export async function analyticsStream(
  config: Pick<Config, 'ANALYTICS_FEED' | 'AWS_REGION' | 'DYNAMODB_MAX_ATTEMPTS'>,
  endpoint: string,
  dynamo: { client: DynamoDBClient },
  eventsTable: string,
): Promise<AnalyticsRuntimeOptions['stream']> {
  if (config.ANALYTICS_FEED !== 'streams') return undefined;
  const { Table } = await dynamo.client.send(new DescribeTableCommand({ TableName: eventsTable }));
  if (!Table?.LatestStreamArn) throw new Error(`ANALYTICS_FEED=streams, but ${eventsTable} has no stream on this backend`);
  const client = createStreamsClient({ endpoint: endpoint === 'aws' ? undefined : endpoint, region: config.AWS_REGION, maxAttempts: config.DYNAMODB_MAX_ATTEMPTS });
  return { client, arn: Table.LatestStreamArn };
}

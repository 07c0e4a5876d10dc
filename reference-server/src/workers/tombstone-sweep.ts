// The tombstone sweep: removes what deleted events leave behind (their key and `deleted_at`) once it
// is older than the retention. A tombstone keeps late writes of its event from bringing it back (see
// DELETED in store/tombstone-store.ts); past the retention no such write is left (domain/tombstone-retention.ts).
// Tombstones also carry a TTL attribute, so DynamoDB with Time To Live on it expires them too; the sweep
// stays for dynalite, which never expires items, and for DynamoDB, which expires them up to days late.
import { Counter, type Registry } from 'prom-client';
import type { Logger } from 'pino';
import { iso, type Clock } from '../domain/clock.js';
import type { TombstoneCursor, TombstoneStore } from '../store/tombstone-store.js';
import { startPeriodicJob, type PeriodicJob } from './periodic-job.js';

export interface TombstoneSweepOptions {
  tombstones: Pick<TombstoneStore, 'tombstones' | 'remove'>;
  clock: Clock;
  /** Tombstones deleted longer ago than this are removed. */
  retentionMs: number;
  /** Tombstones one pass reads at most. */
  pageSize: number;
  /** Consulted after a pass read its page and before each removal (tests stop a pass there). */
  beforeStep?: (step: 'remove') => Promise<void>;
}

/** One pass: how many tombstones it removed, and where the next pass starts (`undefined`: from the first shard). */
export interface SweepPass {
  swept: number;
  next?: TombstoneCursor;
}

/**
 * Reads one page of tombstones older than the retention from `from` (a shard of the tombstone index,
 * oldest first) and removes them, each only if it is still the tombstone read: an id used again
 * meanwhile keeps its new event. Several sweeps may run at once; each tombstone is removed (and
 * counted) by one of them.
 */
export async function sweepTombstones(opts: TombstoneSweepOptions, from?: TombstoneCursor): Promise<SweepPass> {
  const before = iso(opts.clock.now() - opts.retentionMs);
  const page = await opts.tombstones.tombstones(before, opts.pageSize, from);
  let swept = 0;
  for (const t of page.tombstones) {
    await opts.beforeStep?.('remove');
    if (await opts.tombstones.remove(t.tenant_id, t.event_id, t.deleted_at)) swept++;
  }
  return { swept, next: page.next };
}

/** A running sweep: `sweep` runs one pass now, `stop` ends the schedule and waits for a pass in flight. */
export type TombstoneSweepJob = PeriodicJob;

/**
 * Runs a pass every `intervalMs`, each resuming where the last stopped and starting over after the
 * last shard, so a pass costs one bounded page and every expired tombstone is reached within
 * (expired tombstones / pageSize + shards) × intervalMs. Counts removals in
 * `event_tombstones_swept_total`. A failed pass is logged and the next tick reads the same page again.
 * @example const job = startTombstoneSweep({ tombstones, clock, retentionMs, pageSize: 100, intervalMs: 6_000, logger, registry });
 */
export function startTombstoneSweep(opts: TombstoneSweepOptions & { intervalMs: number; logger: Logger; registry: Registry }): TombstoneSweepJob {
  const swept = new Counter({ name: 'event_tombstones_swept_total', help: 'Tombstones of deleted events removed by the sweep after their retention', registers: [opts.registry] });
  let from: TombstoneCursor | undefined;
  const pass = async () => {
    const { swept: count, next } = await sweepTombstones(opts, from);
    from = next;
    if (count > 0) {
      swept.inc(count);
      opts.logger.info({ swept: count }, 'swept tombstones of deleted events');
    }
    return count;
  };
  return startPeriodicJob(pass, opts.intervalMs, (err) => opts.logger.warn({ err }, 'tombstone sweep failed'));
}

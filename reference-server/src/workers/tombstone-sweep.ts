// The tombstone sweep: removes what deleted events leave behind (their key and `deleted_at`) once it
// is older than the retention. A tombstone keeps late writes of its event from bringing it back (see
// DELETED in store/events-store.ts); past the retention no such write is left (domain/tombstone-retention.ts).
// Tombstones also carry a TTL attribute, so DynamoDB with Time To Live on it expires them too; the sweep
// stays for dynalite, which never expires items, and for DynamoDB, which expires them up to days late.
import { Counter, type Registry } from 'prom-client';
import type { Logger } from 'pino';
import { iso, type Clock } from '../domain/clock.js';
import type { EventsStore } from '../store/events-store.js';
import { startPeriodicJob, type PeriodicJob } from './periodic-job.js';

export interface TombstoneSweepOptions {
  events: Pick<EventsStore, 'tombstones' | 'removeTombstone'>;
  clock: Clock;
  /** Tombstones deleted longer ago than this are removed. */
  retentionMs: number;
  /** Event items one pass reads at most. */
  pageSize: number;
  /** Consulted after a pass read its page and before each removal (tests stop a pass there). */
  beforeStep?: (step: 'remove') => Promise<void>;
}

/** One pass: how many tombstones it removed, and where the next pass starts (`undefined`: from the top). */
export interface SweepPass {
  swept: number;
  next?: Record<string, unknown>;
}

/**
 * Reads one page of the events table from `startKey` and removes its tombstones older than the
 * retention, each only if it is still the tombstone read: an id used again meanwhile keeps its new
 * event. Several sweeps may run at once; each tombstone is removed (and counted) by one of them.
 */
export async function sweepTombstones(opts: TombstoneSweepOptions, startKey?: Record<string, unknown>): Promise<SweepPass> {
  const before = iso(opts.clock.now() - opts.retentionMs);
  const page = await opts.events.tombstones(before, opts.pageSize, startKey);
  let swept = 0;
  for (const t of page.tombstones) {
    await opts.beforeStep?.('remove');
    if (await opts.events.removeTombstone(t.tenant_id, t.event_id, t.deleted_at)) swept++;
  }
  return { swept, next: page.next };
}

/** A running sweep: `sweep` runs one pass now, `stop` ends the schedule and waits for a pass in flight. */
export type TombstoneSweepJob = PeriodicJob;

/**
 * Runs a pass every `intervalMs`, each resuming where the last stopped and starting over after the
 * last page, so a pass costs one bounded page and the whole table is walked every
 * (items / pageSize) × intervalMs. Counts removals in `event_tombstones_swept_total`. A failed pass is
 * logged and the next tick reads the same page again.
 * @example const job = startTombstoneSweep({ events, clock, retentionMs, pageSize: 100, intervalMs: 6_000, logger, registry });
 */
export function startTombstoneSweep(opts: TombstoneSweepOptions & { intervalMs: number; logger: Logger; registry: Registry }): TombstoneSweepJob {
  const swept = new Counter({ name: 'event_tombstones_swept_total', help: 'Tombstones of deleted events removed by the sweep after their retention', registers: [opts.registry] });
  let startKey: Record<string, unknown> | undefined;
  const pass = async () => {
    const { swept: count, next } = await sweepTombstones(opts, startKey);
    startKey = next;
    if (count > 0) {
      swept.inc(count);
      opts.logger.info({ swept: count }, 'swept tombstones of deleted events');
    }
    return count;
  };
  return startPeriodicJob(pass, opts.intervalMs, (err) => opts.logger.warn({ err }, 'tombstone sweep failed'));
}

// The reconciliation sweep: finds deliveries that have been due for a while by reading the delivery
// table itself, not the due index. An index entry can be missing — the embedded store killed between
// writing an item and its index entry, or DynamoDB's eventually consistent GSI lagging — and a delivery
// only the index could find would then wait forever; with the sweep it waits one sweep cycle at most.
// Every INDEX_REPAIR_EVERY ticks (and on the first) it also repairs the webhooks' listing index, which
// fan-out reads to find a tenant's active webhooks. And it walks the DLQ the same way, a page per tick,
// removing entries left by a dead-lettering whose second write failed (see `staleDlqEntries`) and
// giving entries written without a dead_key (by a process older than the DLQ's order indexes) theirs.
import type { DeliveryStatus } from '../domain/delivery.js';
import type { WorkerDeps } from './worker-deps.js';

/**
 * Statuses a delivery never leaves: nothing requeues a delivered or cancelled delivery (a replay
 * requeues only a dead one), so no later dead-lettering can be meant by an entry that names one.
 */
const FINAL_NOT_DEAD: ReadonlySet<DeliveryStatus> = new Set(['delivered', 'cancelled']);

/** Ticks between two repairs of the webhooks' listing index (a minute at the default interval). */
const INDEX_REPAIR_EVERY = 12;

/**
 * Walks the delivery table one bounded page per tick (`WEBHOOK_SWEEP_PAGE` items every
 * `WEBHOOK_SWEEP_MS`), resuming where the last tick stopped and starting over after the last page.
 * Only deliveries due for longer than one sweep interval are returned: the due index serves the rest,
 * and the sweep should add work only where that index failed. A delivery it returns is leased like any
 * other (conditionally), so a sweep racing the index path never sends one delivery twice at once.
 *
 * Bound: a delivery the index lost is found within (table items / page + 2) × interval of falling due.
 */
export class OverdueSweep {
  private startKey: Record<string, unknown> | undefined;
  private dlqStartKey: Record<string, unknown> | undefined;
  private lastTick: number;
  private ticks = 0;
  /** Deliveries found, summed over ticks (tests and logs read it). */
  found = 0;

  constructor(
    private readonly deps: Pick<WorkerDeps, 'config' | 'clock' | 'stores' | 'logger'>,
    now: number = performance.now(),
  ) {
    this.lastTick = now;
  }

  /** Milliseconds until the next tick is due (0 when it is). */
  dueIn(now: number = performance.now()): number {
    return Math.max(0, this.lastTick + this.deps.config.WEBHOOK_SWEEP_MS - now);
  }

  /** Reads the next page if a tick is due; the overdue delivery ids it found (none if not due). */
  async tick(now: number = performance.now()): Promise<string[]> {
    if (this.dueIn(now) > 0) return [];
    this.lastTick = now;
    const { config, clock, stores } = this.deps;
    const before = clock.now() - config.WEBHOOK_SWEEP_MS;
    if (this.ticks++ % INDEX_REPAIR_EVERY === 0) await stores.webhooks.repairIndex();
    await this.staleDlqEntries();
    const page = await stores.deliveries.overdue(before, config.WEBHOOK_SWEEP_PAGE, this.startKey);
    this.startKey = page.next;
    this.found += page.ids.length;
    return page.ids;
  }

  /**
   * Dead-lettering writes the DLQ entry first and the delivery's `dead` state second, so a crash
   * between them never leaves a dead delivery unlisted. If the second write fails, the delivery is
   * attempted again, and when that attempt succeeds the entry names a delivery that is not dead. This
   * reads one page of the DLQ and removes the entries whose delivery is final and not dead — each only
   * if it is still the entry read (its `dead_at`), as a replay removes one.
   */
  private async staleDlqEntries(): Promise<void> {
    const { stores, config, logger } = this.deps;
    const page = await stores.dlq.page(config.WEBHOOK_SWEEP_PAGE, this.dlqStartKey);
    this.dlqStartKey = page.next;
    if (page.entries.length === 0) return;
    const statuses = await stores.deliveries.statuses(page.entries.map((e) => e.delivery_id));
    for (const entry of page.entries) {
      if (entry.dead_key === undefined && (await stores.dlq.addDeadKey(entry))) logger.info({ delivery_id: entry.delivery_id }, 'gave a DLQ entry its dead_key: it is listed now');
      const status = statuses.get(entry.delivery_id);
      if (status === undefined || !FINAL_NOT_DEAD.has(status)) continue;
      if (!(await stores.dlq.remove(entry.tenant_id, entry.delivery_id, entry.dead_at))) continue;
      logger.warn({ delivery_id: entry.delivery_id, status, dead_at: entry.dead_at }, 'removed a DLQ entry whose delivery is not dead');
    }
  }
}

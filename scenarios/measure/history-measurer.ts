// Measurement straight from the history: feed each record as the runner appends it (or a whole
// history.jsonl afterwards) and the per-second buckets and delivery lag follow. Open operations
// are held per process (bounded by concurrency); event → intended start is held per event, since
// a delivery may arrive long after its create (it is the price of measuring lag at all).
import type { HistoryRecord, OpRecord, ReceiptRecord } from '../history/history.js';
import { Measurements } from './measurements.js';
import { CANCELLED_ERROR } from './outcome.js';

/** Feeds {@link Measurements} from history records. */
export class HistoryMeasurer {
  private readonly open = new Map<number, OpRecord>();
  private readonly intendedByEvent = new Map<string, number>();
  /** Receipts that arrived before their create's response did (a fast worker can beat it). */
  private readonly early = new Map<string, ReceiptRecord[]>();

  constructor(readonly measurements: Measurements = new Measurements()) {}

  /**
   * Takes one record. Per process, records must come in the order they happened (as a live
   * history does). An op completion is measured from its invoke's intended start; `fail` with
   * `value.dropped` is a request the load generator never sent; `info` counts as not ok, except an
   * `info` whose error is the runner's own cancellation (the run stopped), which counts in no rate.
   */
  observe(record: HistoryRecord): void {
    if (record.kind === 'op') this.observeOp(record);
    else if (record.kind === 'receipt') {
      const intended = this.intendedByEvent.get(record.event_id);
      if (intended !== undefined) this.recordReceipt(record, intended);
      else this.early.set(record.event_id, [...(this.early.get(record.event_id) ?? []), record]);
    }
  }

  private recordReceipt(receipt: ReceiptRecord, intended: number): void {
    this.measurements.recordDelivery({ intended, arrived: receipt.start, accepted: receipt.status >= 200 && receipt.status < 300 });
  }

  private observeOp(record: OpRecord): void {
    if (record.type === 'invoke') {
      this.open.set(record.process, record);
      return;
    }
    const invoke = this.open.get(record.process);
    if (!invoke || invoke.f !== record.f) return;
    this.open.delete(record.process);
    const intended = invoke.intended ?? invoke.time;
    const status = typeof record.value.status === 'number' ? record.value.status : 0;
    const eventId = record.value.event_id ?? invoke.value.event_id;
    if (record.type === 'ok' && eventId !== undefined && !this.intendedByEvent.has(eventId)) {
      this.intendedByEvent.set(eventId, intended);
      for (const receipt of this.early.get(eventId) ?? []) this.recordReceipt(receipt, intended);
      this.early.delete(eventId);
    }
    const cancelled = record.type === 'info' && status === 0 && record.value.error === CANCELLED_ERROR;
    this.measurements.recordOp({ op: record.f, intended, end: record.time, ok: record.type === 'ok', status, dropped: record.value.dropped === true, cancelled });
  }
}

/**
 * Measures a whole history at once, e.g. one read back from history.jsonl. Records are put in
 * time order first (receipts by their start), so the file's line order does not matter.
 */
export function measureHistory(history: readonly HistoryRecord[]): Measurements {
  const at = (r: HistoryRecord) => (r.kind === 'receipt' ? r.start : r.time);
  const measurer = new HistoryMeasurer();
  for (const record of [...history].sort((a, b) => at(a) - at(b))) measurer.observe(record);
  return measurer.measurements;
}

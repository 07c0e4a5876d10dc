// Everything a run observes, in one place: the history (Jepsen-shaped), the per-second measurements,
// the event ids the load saw, and the http probes' samples. The load, the receiver, the timeline and
// the probe sampler write here; the judging reads it once the run is over.
import type { HistoryRecord, OpRecord, ReceiptRecord } from '../history/history.js';
import { Measurements } from '../measure/measurements.js';

/** The run's observations. */
export class RunRecorder {
  readonly history: HistoryRecord[] = [];
  readonly measurements = new Measurements();
  /** When the create that produced each event was meant to start (for delivery lag). */
  private readonly intendedOf = new Map<string, number>();
  /** http probe name → second → status seen (0 when unreachable). */
  readonly httpSamples = new Map<string, Map<number, number>>();
  /** Receipts answered 2xx, by `event_id|webhook_id`, for quiescence. */
  private readonly accepted = new Set<string>();
  createsOk = 0;

  /** Records an operation half. */
  op(record: OpRecord): void {
    this.history.push(record);
  }

  /** Remembers an event the service accepted, and when its create was meant to start (for lag). */
  eventCreated(eventId: string, intended: number): void {
    this.createsOk++;
    this.intendedOf.set(eventId, intended);
  }

  /** Records a receipt and the delivery's lag from its create's intended start. */
  receipt(record: ReceiptRecord): void {
    this.history.push(record);
    const accepted = record.status >= 200 && record.status < 300;
    if (accepted) this.accepted.add(`${record.event_id}|${record.webhook_id}`);
    const intended = this.intendedOf.get(record.event_id);
    if (intended !== undefined) this.measurements.recordDelivery({ intended, arrived: record.start, accepted });
  }

  /** Records one http probe sample at `time`. */
  sample(probe: string, time: number, status: number): void {
    let series = this.httpSamples.get(probe);
    if (!series) this.httpSamples.set(probe, (series = new Map()));
    series.set(Math.floor(time / 1000), status);
  }

  /** Event ids the load saw in answers, in order. */
  eventIds(): string[] {
    return [...this.intendedOf.keys()];
  }

  /** Distinct (event, webhook) pairs delivered and accepted so far. */
  acceptedPairs(): number {
    return this.accepted.size;
  }
}

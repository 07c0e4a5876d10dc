// Everything a run observes, in one place: the history (Jepsen-shaped), the per-second measurements,
// the event ids the load saw, and the http probes' samples. The load, the receiver, the timeline and
// the probe sampler write here; the judging reads it once the run is over. The history is also
// streamed to history.jsonl as it grows, so a run that dies leaves it behind.
import type { HistoryRecord, OpRecord, ReceiptRecord } from '../history/history.js';
import type { HistoryWriter } from '../history/jsonl.js';
import { Measurements } from '../measure/measurements.js';

/** The run's observations. */
export class RunRecorder {
  readonly history: HistoryRecord[] = [];
  readonly measurements: Measurements;
  /** When the create that produced each event was meant to start (for delivery lag). */
  private readonly intendedOf = new Map<string, number>();
  /** http probe name → second → status seen (0 when unreachable). */
  readonly httpSamples = new Map<string, Map<number, number>>();
  /** The intended start of each operation not answered yet, by process. */
  private readonly open = new Map<number, number>();
  /**
   * Receipts of events whose create's answer has not come yet (a fast service delivers before the
   * runner reads its answer), measured for lag once it comes, as the history measurer does.
   */
  private readonly early = new Map<string, { arrived: number; accepted: boolean }[]>();
  /** The webhooks whose receipt of each event was answered 2xx, for quiescence. */
  private readonly acceptedBy = new Map<string, Set<string>>();
  /** Creates invoked, whatever their outcome. */
  createAttempts = 0;
  private sink: HistoryWriter | undefined;
  /** Whether the history went to a file as it was recorded (see {@link streamTo}). */
  streamed = false;

  /** @param cuts where the measurements are cut besides whole seconds (see judge-run.ts measurementCuts). */
  constructor(cuts: readonly number[] = []) {
    this.measurements = new Measurements(cuts);
  }

  /** Appends any history record (fault windows, process actions, the final read-back). */
  record(record: HistoryRecord): void {
    this.history.push(record);
    this.sink?.append(record);
  }

  /** From now on every record also goes to `writer`, starting with those recorded so far. */
  streamTo(writer: HistoryWriter): void {
    for (const record of this.history) writer.append(record);
    this.sink = writer;
    this.streamed = true;
  }

  /** Ends the streaming: flushes and closes the writer (rejects with its write error, if any). */
  async endStream(): Promise<void> {
    const sink = this.sink;
    this.sink = undefined;
    await sink?.close();
  }

  /** Records an operation half. */
  op(record: OpRecord): void {
    if (record.f === 'create_event' && record.type === 'invoke') this.createAttempts++;
    if (record.type === 'invoke') this.open.set(record.process, record.intended ?? record.time);
    else this.open.delete(record.process);
    this.record(record);
  }

  /** Operations sent and not answered yet, and the earliest intended start among them (null when none). */
  inFlight(): { count: number; oldestIntended: number | null } {
    let oldest: number | null = null;
    for (const intended of this.open.values()) if (oldest === null || intended < oldest) oldest = intended;
    return { count: this.open.size, oldestIntended: oldest };
  }

  /** Operations due before `ms` (by intended start) that have not been answered yet. */
  openBefore(ms: number): number {
    let n = 0;
    for (const intended of this.open.values()) if (intended < ms) n++;
    return n;
  }

  /** Remembers an event the service accepted, and when its create was meant to start (for lag). */
  eventCreated(eventId: string, intended: number): void {
    if (this.intendedOf.has(eventId)) return;
    this.intendedOf.set(eventId, intended);
    for (const receipt of this.early.get(eventId) ?? []) this.measurements.recordDelivery({ intended, ...receipt });
    this.early.delete(eventId);
  }

  /** Records a receipt and the delivery's lag from its create's intended start. */
  receipt(record: ReceiptRecord): void {
    this.record(record);
    const accepted = record.status >= 200 && record.status < 300;
    if (accepted) {
      const by = this.acceptedBy.get(record.event_id) ?? new Set<string>();
      this.acceptedBy.set(record.event_id, by.add(record.webhook_id));
    }
    const intended = this.intendedOf.get(record.event_id);
    if (intended !== undefined) this.measurements.recordDelivery({ intended, arrived: record.start, accepted });
    else {
      const early = this.early.get(record.event_id) ?? [];
      this.early.set(record.event_id, [...early, { arrived: record.start, accepted }]);
    }
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

  /** The webhooks whose receipt of `eventId` the receiver accepted so far. */
  acceptedFor(eventId: string): ReadonlySet<string> {
    return this.acceptedBy.get(eventId) ?? new Set();
  }

  /**
   * Deliveries owed for the events the service acknowledged, `webhooks` each, and how many of them
   * the receiver has accepted so far. Only the acknowledged events' own deliveries count: one of an
   * event whose create got no answer does not stand in for one still owed.
   */
  deliveriesOwed(webhooks: number): { owed: number; accepted: number } {
    let accepted = 0;
    for (const eventId of this.intendedOf.keys()) accepted += Math.min(webhooks, this.acceptedBy.get(eventId)?.size ?? 0);
    return { owed: this.intendedOf.size * webhooks, accepted };
  }
}

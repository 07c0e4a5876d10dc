// Group commit for puts: writes requested in the same turn of the event loop share BatchWriteItem
// calls (up to 25 items each). Under load this turns many round trips into few; a lone request is
// flushed on the next turn, so it waits no longer than it would have. Small records that need no row
// of their own (analytics facts, fan-out entries) ride along: every call writes those of its requests
// as a few shared rows, and tells each of those requests what it made of them.
//
// While a call is in flight, later puts wait for it to return (at most HOLD_MS) and then go together.
// Flushing every turn, an open-model load at 1,200 events/s sent ~520 calls/s of ~2 events each,
// and at that rate a call costs the server more than the HTTP request that asked for it; waiting
// for the call in flight lowered the median latency from 7.3–7.5 ms to 6.0–6.8 ms (docs/BENCHMARKS.md).
// The cap keeps one slow call from holding every later write.
//
// A call whose items keep coming back unprocessed fails its callers after batchWriteAll's rounds; with
// a completer, what is left of a call that landed in part is then finished in the background.
//
// With `missing`, a call is not sent again blind after an attempt that may have landed unseen (see
// no-blind-resend.ts): `missing` reads back what landed and says what is left to write, and only that
// is sent. Items others may change as soon as they land (an event a consumer acknowledges) are then
// never written back over those changes. After UNKNOWN_ROUNDS such rounds the call is sent as before.
// Such a call may have landed in part, so from its first unknown outcome the completer follows it
// (with a journal, on disk before the read back): a crash before it lands whole leaves it to the next
// start, and a call that gives up is finished in the background, as a call that landed in part is.
// With a log (in-flight-log.ts), every call is on disk from before it goes out until its outcome is
// settled, so a crash mid-call leaves it to the next start too.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BatchCompleter } from './batch-completer.js';
import { BATCH_WRITE_MAX, batchWriteMarshalled, marshalRequests, type BatchRequests, type MarshalledRequests, type PartialWrites } from './batch-write.js';
import type { InFlightLog } from './in-flight-log.js';
import { OutcomeUnknownError } from './no-blind-resend.js';

type Put = { table: string; item: Record<string, unknown> };

/** The rows holding the records of one call's requests, and what every one of those requests is told. */
export interface Bundle<S> {
  puts: Put[];
  shared: S;
}

/** Longest a put waits for the call in flight before it is sent beside it. */
export const HOLD_MS = 2;

/** Calls read back after an unknown outcome before one is sent as the SDK resends it. */
const UNKNOWN_ROUNDS = 3;

interface Pending<R, S> {
  puts: Put[];
  record: R | undefined;
  resolve: (shared: S | undefined) => void;
  reject: (err: unknown) => void;
}

export class WriteBatcher<R = never, S = undefined> {
  private queue: Pending<R, S>[] = [];
  private scheduled = false;
  private inFlight = 0;
  private hold: NodeJS.Timeout | undefined;
  private readonly holdMs: number;
  private readonly completer: BatchCompleter | undefined;
  private readonly missing: ((requests: BatchRequests) => Promise<BatchRequests>) | undefined;
  private readonly log: InFlightLog | undefined;

  /**
   * `bundle` makes the rows holding the records of a call's requests: at most `bundleRows` of them,
   * which the call keeps room for. `holdMs` (default HOLD_MS): how long a put may wait for the call in flight;
   * `completer`: finishes calls that landed in part (see batch-completer.ts); `missing`: after an
   * attempt that may have landed unseen, reads back what landed and returns what is left to write;
   * `log`: holds each call from before it goes out until its outcome is settled (in-flight-log.ts).
   */
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly bundle?: (records: R[]) => Bundle<S>,
    private readonly bundleRows = 1,
    opts: { holdMs?: number; completer?: BatchCompleter; missing?: (requests: BatchRequests) => Promise<BatchRequests>; log?: InFlightLog } = {},
  ) {
    this.holdMs = opts.holdMs ?? HOLD_MS;
    this.completer = opts.completer;
    this.missing = opts.missing;
    this.log = opts.log;
  }

  /**
   * Writes `puts`, and `record` within its call's bundle rows (all or nothing for the caller: it
   * resolves once every one of them landed, with what the bundle told the call's requests, or
   * undefined without a record).
   */
  put(puts: Put[], record?: R): Promise<S | undefined> {
    if (record !== undefined && !this.bundle) throw new Error('this batcher bundles no records');
    return new Promise((resolve, reject) => {
      this.queue.push({ puts, record, resolve, reject });
      this.kick();
    });
  }

  /** Flushes on the next turn, or once the calls in flight return (at most holdMs from now). */
  private kick(): void {
    if (this.scheduled || this.queue.length === 0) return;
    if (this.inFlight > 0) {
      this.hold ??= setTimeout(() => this.schedule(), this.holdMs);
      return;
    }
    this.schedule();
  }

  private schedule(): void {
    clearTimeout(this.hold);
    this.hold = undefined;
    if (this.scheduled || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const queue = this.queue;
    this.queue = [];
    let batch: Pending<R, S>[] = [];
    // Puts of the call so far; a call with any record keeps room for its bundle rows.
    let size = 0;
    let bundled = false;
    for (const p of queue) {
      const bundleRows = bundled || p.record !== undefined ? this.bundleRows : 0;
      if (size + p.puts.length + bundleRows > BATCH_WRITE_MAX && batch.length > 0) {
        void this.send(batch);
        batch = [];
        size = 0;
        bundled = false;
      }
      batch.push(p);
      size += p.puts.length;
      bundled ||= p.record !== undefined;
    }
    if (batch.length > 0) void this.send(batch);
  }

  private async send(batch: Pending<R, S>[]): Promise<void> {
    this.inFlight++;
    try {
      await this.write(batch);
    } finally {
      this.inFlight--;
      if (this.inFlight === 0) this.kick();
    }
  }

  private async write(batch: Pending<R, S>[]): Promise<void> {
    const requests: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> = {};
    for (const p of batch) for (const { table, item } of p.puts) (requests[table] ??= []).push({ PutRequest: { Item: item } });
    const records = batch.flatMap((p) => (p.record === undefined ? [] : [p.record]));
    try {
      let shared: S | undefined;
      if (records.length > 0) {
        const bundle = this.bundle!(records);
        if (bundle.puts.length > this.bundleRows) throw new Error(`a bundle made ${bundle.puts.length} rows, more than the ${this.bundleRows} its call has room for`);
        for (const { table, item } of bundle.puts) (requests[table] ??= []).push({ PutRequest: { Item: item } });
        shared = bundle.shared;
      }
      await this.writeAll(requests);
      for (const p of batch) p.resolve(p.record === undefined ? undefined : shared);
    } catch (err) {
      for (const p of batch) p.reject(err);
    }
  }

  private async writeAll(requests: BatchRequests): Promise<void> {
    // Marshalled once, for the log and the first round (a later round marshals what is left).
    const marshalled = marshalRequests(requests);
    const entry = this.log?.begin(marshalled);
    try {
      await this.writeRounds(requests, marshalled);
    } finally {
      // Settled: landed whole, failed, or what is left is the completer's (in its journal). With the
      // journal failing (a full disk), the log keeps the call until the completer has written it all.
      const completer = this.completer;
      if (entry && completer?.journalFailed) {
        void completer.drained().then((done) => {
          if (done) this.log?.end(entry);
        });
      } else this.log?.end(entry);
    }
  }

  private async writeRounds(requests: BatchRequests, first: MarshalledRequests): Promise<void> {
    const completer = this.completer;
    let pending = requests;
    let marshalled = first;
    // Set from the first outcome not known: the completer's hold on what may have landed in part.
    let unknown: PartialWrites | undefined;
    for (let round = 0; ; round++) {
      const careful = this.missing !== undefined && round < UNKNOWN_ROUNDS;
      // Once part of the call landed, the completer owns what is left (it is told before the throw).
      let tracked = false;
      const onPartial =
        completer &&
        (() => {
          tracked = true;
          return completer.track();
        });
      try {
        await batchWriteMarshalled(this.doc, marshalled, undefined, undefined, onPartial, { noBlindResend: careful });
        await unknown?.finished?.();
        return;
      } catch (err) {
        if (!careful || tracked || !(err instanceof OutcomeUnknownError)) {
          // After an unknown outcome the call may be split: finished in the background, unless the
          // round's own tracking handed its rest over already.
          if (tracked) await unknown?.finished?.();
          else await unknown?.unfinished(marshalled);
          throw err;
        }
      }
      if (completer && !unknown) {
        unknown = completer.track();
        await unknown.pending?.(marshalled);
      }
      try {
        pending = await this.missing!(pending);
      } catch {
        // The read back failed too: send the call as the SDK resends it, as before (next round).
        round = UNKNOWN_ROUNDS - 1;
        continue;
      }
      if (Object.keys(pending).length === 0) {
        await unknown?.finished?.();
        return;
      }
      marshalled = marshalRequests(pending);
    }
  }
}

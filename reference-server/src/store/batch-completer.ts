// Finishes group commits that landed in part. A group commit writes new events, visible, with the
// shared fan-out and analytics rows that deliver and count them, in one BatchWriteItem. When DynamoDB
// keeps handing part of it back unprocessed, its callers are answered 503 after the usual rounds
// (~3 s), but the items that did land stay: an event readable with no fan-out row would never be
// delivered, a fan-out row without its events would deliver events no one can read, a facts row would
// count them. Rolling back is no cure (a row may already have been consumed), so the rest is written
// in the background until it lands: every event of the batch ends readable, delivered and counted, as
// a 503 ("outcome unknown") allows. With a journal (unfinished-journal.ts) what is left is on disk
// from the first round that lands in part (before the next retry, and before anyone is answered), and
// what a crash left unfinished is finished at the next start.
//
// The retry loop is written here rather than taken from the SDK or a retry library because it must
// merge what is left of many batches into calls of at most 25 items, one call at a time, so a store
// under throttling is not met by a herd of retrying batches.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { BATCH_WRITE_MAX, batchWriteMarshalled, type MarshalledRequests, type PartialWrites } from './batch-write.js';
import { UnfinishedJournal, type JournalWrite } from './unfinished-journal.js';

/** How long the rest of a batch is retried before it is given up (and reported). */
export const COMPLETE_WITHIN_MS = 5 * 60_000;
/** Longest pause between calls while nothing is making progress. */
const MAX_BACKOFF_MS = 1_000;

type Write = MarshalledRequests[string][number];
interface Left {
  table: string;
  write: Write;
  since: number;
}

export interface BatchCompleterOptions {
  /** Default COMPLETE_WITHIN_MS. */
  completeWithinMs?: number;
  now?: () => number;
  /** Hears of writes given up after completeWithinMs, with how many there were. */
  onAbandon?: (writes: number) => void;
  /** Keeps what is unfinished in this file (see unfinished-journal.ts); `resume()` finishes it. */
  journalPath?: string;
  /**
   * Makes a write safe to repeat before it is taken over: with a journal, a write that landed just
   * before a crash is written again at the next start.
   */
  prepare?: (write: Write) => Write;
  /**
   * Before each call, reads back what of it is stored and returns what is left to write: what the
   * completer takes over may have landed (a round that failed as a whole, a journal written before the
   * crash), and some items must not be written again over changes made since (an acknowledged event).
   */
  missing?: (requests: MarshalledRequests) => Promise<MarshalledRequests>;
  /**
   * A write's primary key, with its table: what an earlier run left may hold one item twice (a call in
   * flight and the rest of it in the journal), and a call must not (DynamoDB refuses it whole).
   * Default: the write as JSON.
   */
  keyOf?: (table: string, write: Write) => string;
}

/**
 * What `resume()` took over could not be put in the journal: it is being finished from memory only,
 * so the files it came from (the log of calls in flight) must stay for the next start.
 */
export class JournalWriteError extends Error {
  constructor(
    readonly writes: number,
    options: { cause: unknown },
  ) {
    super(`cannot record ${writes} unfinished writes in the journal: they are being finished from memory only`, options);
    this.name = 'JournalWriteError';
  }
}

export class BatchCompleter {
  private left: Left[] = [];
  /** Writes of the call in flight. */
  private sending: Left[] = [];
  private running: Promise<void> | undefined;
  private readonly now: () => number;
  private readonly completeWithinMs: number;
  private readonly prepare: (write: Write) => Write;
  private readonly missing: ((requests: MarshalledRequests) => Promise<MarshalledRequests>) | undefined;
  private readonly keyOf: (table: string, write: Write) => string;
  private readonly journal: UnfinishedJournal | undefined;
  private stopped = false;
  /** Writes given up after their time limit, since the start. */
  private abandoned = 0;
  /** The last write to the journal failed: what is left lives in memory only until one succeeds. */
  private journalFailing = false;
  private unfinishedAtStop: Left[] = [];
  /** Part-written batches their callers still retry (kept only with a journal), by tracking id. */
  private readonly held = new Map<number, Left[]>();
  private nextHeld = 0;
  onAbandon: ((writes: number) => void) | undefined;
  /** Hears of a journal that could not be written (the writes are still being finished in memory). */
  onJournalError: ((err: unknown) => void) | undefined;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    opts: BatchCompleterOptions = {},
  ) {
    this.now = opts.now ?? Date.now;
    this.completeWithinMs = opts.completeWithinMs ?? COMPLETE_WITHIN_MS;
    this.onAbandon = opts.onAbandon;
    this.prepare = opts.prepare ?? ((write) => write);
    this.missing = opts.missing;
    this.keyOf = opts.keyOf ?? ((table, write) => JSON.stringify([table, write]));
    // Once stopped, the file keeps what was unfinished then: the next start finishes it.
    const unfinished = (): JournalWrite[] => (this.stopped ? this.unfinishedAtStop : this.unfinished()).map(({ table, write }) => ({ table, write }));
    this.journal = opts.journalPath === undefined ? undefined : new UnfinishedJournal(opts.journalPath, unfinished);
  }

  /** Writes still to be finished. */
  get pending(): number {
    return this.left.length + this.sending.length;
  }

  /**
   * Follows one batch that landed in part while its caller still retries it (see PartialWrites in
   * batch-write.ts): what is left is made safe to repeat and, with a journal, kept on disk until the
   * batch lands whole, or is taken over here when the caller gives up. A crash between two rounds
   * then leaves the rest for the next start, not a split batch.
   */
  track(): PartialWrites {
    const id = this.nextHeld++;
    return {
      pending: async (rest) => {
        const prepared = this.prepared(rest);
        if (this.journal && !this.stopped) {
          this.held.set(id, lefts(prepared, this.now()));
          await this.record();
        }
        return prepared;
      },
      unfinished: (rest) => {
        this.held.delete(id);
        return this.add(rest);
      },
      finished: () => (this.held.delete(id) ? this.record() : undefined),
    };
  }

  /**
   * Takes over the rest of a batch; ignored once stopped. Resolves once it is in the journal, when
   * there is one (at once otherwise); never rejects.
   */
  add(rest: MarshalledRequests): Promise<void> {
    if (this.stopped) return Promise.resolve();
    this.take(rest);
    return this.record();
  }

  private take(rest: MarshalledRequests): void {
    this.left.push(...lefts(this.prepared(rest), this.now()));
    this.running ??= this.run().finally(() => (this.running = undefined));
  }

  /**
   * Takes over what the journal holds from an earlier run, and `inFlight`: calls of that run whose
   * outcome it never saw (see in-flight-log.ts), written again whole (what is stored already is not,
   * see `missing`). Resolves, once all of it is in the journal, to how many writes that is; rejects
   * with JournalWriteError when the journal cannot hold it (the writes still go on, from memory).
   */
  async resume(inFlight: readonly MarshalledRequests[] = []): Promise<number> {
    const all = [...((await this.journal?.load()) ?? []), ...inFlight.flatMap((call) => Object.entries(call).flatMap(([table, ws]) => ws.map((write) => ({ table, write }))))];
    const keys = new Set<string>();
    const writes = all.filter(({ table, write }) => {
      const key = this.keyOf(table, write);
      return !keys.has(key) && !!keys.add(key);
    });
    if (writes.length === 0) return 0;
    const rest: MarshalledRequests = {};
    for (const { table, write } of writes) (rest[table] ??= []).push(write);
    if (this.stopped) return writes.length;
    this.take(rest);
    try {
      await this.journal?.persist();
      this.journalFailing = false;
    } catch (err) {
      this.journalFailing = true;
      throw new JournalWriteError(writes.length, { cause: err });
    }
    return writes.length;
  }

  /** Whether the journal's last write failed (a full disk): what is left is in memory only. */
  get journalFailed(): boolean {
    return this.journalFailing;
  }

  /**
   * Resolves once nothing is left to finish: true when everything taken over so far was written, false
   * when some of it was given up, or the completer stopped first.
   */
  async drained(): Promise<boolean> {
    while (this.running) await this.running;
    return this.abandoned === 0 && !this.stopped;
  }

  /** Resolves true once nothing is left to finish, or false after `ms` with writes still pending. */
  async settle(ms: number): Promise<boolean> {
    if (!this.running) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((r) => (timer = setTimeout(() => r(false), ms)));
    try {
      return await Promise.race([this.running.then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Stops retrying (the store is going away) and drops what is left; returns how many writes are not
   * known to be written (a call in flight may still land).
   */
  stop(): number {
    this.stopped = true;
    const dropped = this.pending;
    this.unfinishedAtStop = this.unfinished();
    this.left = [];
    return dropped;
  }

  /** Everything not known to be written: the call in flight, the queue, and the batches callers still retry. */
  private unfinished(): Left[] {
    return [...this.sending, ...this.left, ...[...this.held.values()].flat()];
  }

  private prepared(rest: MarshalledRequests): MarshalledRequests {
    return Object.fromEntries(Object.entries(rest).map(([table, writes]) => [table, writes.map(this.prepare)]));
  }

  private record(): Promise<void> {
    if (!this.journal) return Promise.resolve();
    return this.journal.persist().then(
      () => {
        this.journalFailing = false;
      },
      (err: unknown) => {
        this.journalFailing = true;
        this.onJournalError?.(err);
      },
    );
  }

  private async run(): Promise<void> {
    let backoff = 0;
    while (this.left.length > 0 && !this.stopped) {
      this.dropExpired();
      const call = this.left.splice(0, BATCH_WRITE_MAX);
      if (call.length === 0) break;
      let rest: MarshalledRequests | undefined;
      this.sending = call;
      let requests = requestsOf(call);
      try {
        // What is stored already is not written again (it counts as landed).
        if (this.missing) requests = await this.missing(requests);
        // One round: what comes back unprocessed is queued again, behind the others.
        if (Object.keys(requests).length > 0) await batchWriteMarshalled(this.doc, requests, 1, undefined, () => ({ unfinished: (r) => (rest = r) }));
      } catch {
        // Unprocessed (rest set), or refused or failed as a whole: every write of the call again.
        rest ??= requests;
      } finally {
        this.sending = [];
      }
      if (this.stopped) break;
      // Handed back as new objects: each keeps the oldest start of its call, so none outlives its limit.
      const since = Math.min(...call.map((l) => l.since));
      const again = Object.entries(rest ?? {}).flatMap(([table, writes]) => writes.map((write) => ({ table, write, since })));
      this.left.push(...again);
      // What landed leaves the journal (and the file goes once nothing is left).
      if (again.length < call.length) await this.record();
      backoff = again.length < call.length ? 0 : Math.min(MAX_BACKOFF_MS, Math.max(25, backoff * 2));
      if (backoff > 0 && this.left.length > 0) await new Promise((r) => setTimeout(r, backoff).unref());
    }
  }

  private dropExpired(): void {
    const oldest = this.now() - this.completeWithinMs;
    const kept = this.left.filter((l) => l.since > oldest);
    const dropped = this.left.length - kept.length;
    this.left = kept;
    if (dropped === 0) return;
    this.abandoned += dropped;
    this.onAbandon?.(dropped);
    void this.record();
  }
}

function lefts(rest: MarshalledRequests, since: number): Left[] {
  return Object.entries(rest).flatMap(([table, writes]) => writes.map((write) => ({ table, write, since })));
}

function requestsOf(call: readonly Left[]): MarshalledRequests {
  const out: MarshalledRequests = {};
  for (const { table, write } of call) (out[table] ??= []).push(write);
  return out;
}

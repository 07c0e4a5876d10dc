// The group commits in flight, on disk: each call of the events store's batcher is appended here before
// it goes out and marked done once its outcome is settled (it landed whole, or what is left of it is in
// the unfinished journal, or it failed as a whole). A process killed in between (while DynamoDB may be
// applying part of the call, or before the journal holds what it handed back) leaves the call here, and
// the next start hands it to the batch completer, whose writes are safe to repeat: a split call is
// finished instead of leaving an event readable with no fan-out row, or a facts row counting an event
// no one can read.
//
// Unlike the unfinished journal, this is on the hot path (one line per call), so it is appended with
// one synchronous write and never fsynced: a line in the page cache outlives the process (kill -9, a
// crash, an OOM kill), not the machine. A call's end is written with the next call's begin, in the
// same write, or on its own once no call has begun for IDLE_ENDS_MS: an end that never made it to the
// file only makes the next start write that call again, which is safe while the rows it wrote are
// remembered as consumed (see docs/WEBHOOKS.md), so an end waits a few milliseconds, not while the
// server is idle. An end line carries a terminator, so one cut short (a full disk) ends no other call.
// Once a file has grown, later calls go to a new one, and the old one is removed when nothing in it is
// open. No library keeps an append-only log of this shape; it is a few lines over node:fs.
import { closeSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { MarshalledRequests } from './batch-write.js';

/** Once a file holds this much, later calls go to a new one. */
const ROTATE_BYTES = 4 * 1024 * 1024;
/** How long ends wait for a next begin to carry them before they are written on their own. */
export const IDLE_ENDS_MS = 10;
/** A complete end line; one cut short does not match (`E 12` cut to `E 1` ends nothing). */
const END_LINE = /^E (\d+)\.$/;

interface Segment {
  fd: number;
  path: string;
  bytes: number;
  /** Calls begun here and not yet ended. */
  open: number;
  /** Ends not yet written: they go with the next begin. */
  ends: string;
  /** No longer written to: removed once nothing in it is open. */
  retired: boolean;
  /** Closed with calls open (the process is stopping): left as it is for the next start. */
  closed: boolean;
  /** The last write stopped short of its end. */
  cut: boolean;
}

/** A call begun in the log; hand it back to {@link InFlightLog.end}. */
export interface InFlightEntry {
  id: number;
  segment: Segment;
}

export class InFlightLog {
  private segment: Segment | undefined;
  /** Every file of this process not yet removed: the current one and those retired with calls open. */
  private readonly live = new Set<Segment>();
  private nextId = 0;
  /** Past any file an earlier run left (kept when what it held could not be taken over). */
  private nextFile: number;
  private endsTimer: NodeJS.Timeout | undefined;
  private readonly removing = new Set<Promise<void>>();
  private failed = false;
  private closed = false;
  /** Hears of a write to the log that failed (the call goes on, unprotected against a crash). */
  onError: ((err: unknown) => void) | undefined;

  /** `path` names the log; its files are `path.<n>`. */
  constructor(
    readonly path: string,
    private readonly rotateBytes = ROTATE_BYTES,
  ) {
    this.nextFile = nextFileNumber(path);
  }

  /**
   * The calls earlier processes left open, oldest first, and the files they were read from. A line cut
   * short (the machine stopped mid-write) is skipped: its call never went out.
   */
  static load(path: string): { calls: MarshalledRequests[]; files: string[] } {
    const files = logFiles(path);
    const calls: MarshalledRequests[] = [];
    for (const file of files) {
      const begun = new Map<string, MarshalledRequests>();
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        const space = line.indexOf(' ', 2);
        const end = END_LINE.exec(line);
        if (end) begun.delete(end[1]!);
        else if (line.startsWith('B ') && space > 0) {
          try {
            begun.set(line.slice(2, space), JSON.parse(line.slice(space + 1)) as MarshalledRequests);
          } catch {
            // Cut short: see above.
          }
        }
      }
      calls.push(...begun.values());
    }
    return { calls, files };
  }

  /** Removes the files {@link load} read (once what they held is in the unfinished journal). */
  static remove(files: readonly string[]): void {
    for (const file of files) rmSync(file, { force: true });
  }

  /** Appends `requests` as begun; undefined when the log cannot be written (reported to onError). */
  begin(requests: MarshalledRequests): InFlightEntry | undefined {
    const segment = this.current();
    if (!segment) return undefined;
    const id = this.nextId++;
    // This begin carries the ends held so far.
    clearTimeout(this.endsTimer);
    this.endsTimer = undefined;
    const ends = segment.ends;
    segment.ends = '';
    if (!this.append(segment, `${ends}B ${id} ${JSON.stringify(requests)}\n`)) {
      // Kept for the next write, which the timer makes sure comes.
      segment.ends = ends;
      if (ends !== '') this.armEndsTimer();
      return undefined;
    }
    segment.open++;
    return { id, segment };
  }

  /**
   * Marks `entry`'s call settled: written with the next begin, or within IDLE_ENDS_MS when none comes. A
   * file written to no more goes once nothing in it is open.
   */
  end(entry: InFlightEntry | undefined): void {
    if (!entry || entry.segment.closed) return;
    const { segment } = entry;
    segment.open--;
    if (!segment.retired) {
      segment.ends += `E ${entry.id}.\n`;
      this.armEndsTimer();
    }
    // A file written to no more gets no next begin: its ends go at once (few calls are open at a move).
    else if (segment.open === 0) this.drop(segment);
    else this.append(segment, `E ${entry.id}.\n`);
  }

  /**
   * Closes every file of this process: one with nothing open is removed, one with calls open (the
   * current file, or one retired before them) is kept for the next start, and settling those calls
   * later changes nothing on disk.
   */
  close(): void {
    this.segment = undefined;
    this.closed = true;
    clearTimeout(this.endsTimer);
    this.endsTimer = undefined;
    for (const segment of [...this.live]) {
      segment.closed = true;
      if (segment.open === 0) {
        // Removed before the process goes: left behind, its calls would be written again at the next start.
        this.drop(segment, { now: true });
        continue;
      }
      this.flushEnds(segment);
      this.live.delete(segment);
      try {
        closeSync(segment.fd);
      } catch (err) {
        this.report(err);
      }
    }
  }

  /** Writes the ends held for the current file within IDLE_ENDS_MS, unless a begin carries them first. */
  private armEndsTimer(): void {
    this.endsTimer ??= setTimeout(() => {
      this.endsTimer = undefined;
      const segment = this.segment;
      if (segment && !segment.closed) this.flushEnds(segment);
    }, IDLE_ENDS_MS).unref();
  }

  private current(): Segment | undefined {
    if (this.closed) return undefined;
    const segment = this.segment;
    if (segment && segment.bytes < this.rotateBytes) return segment;
    if (segment) {
      // Calls stay open in it: writing goes on in a new file, and the old one goes once they end.
      segment.retired = true;
      if (segment.open === 0) this.drop(segment);
      else this.flushEnds(segment);
    }
    const path = `${this.path}.${this.nextFile++}`;
    try {
      this.segment = { fd: openSync(path, 'a', 0o600), path, bytes: 0, open: 0, ends: '', retired: false, closed: false, cut: false };
      this.live.add(this.segment);
    } catch (err) {
      this.segment = undefined;
      this.report(err);
    }
    return this.segment;
  }

  /** Writes the ends still held for `segment`, which gets no next begin. */
  private flushEnds(segment: Segment): void {
    if (segment.ends === '' || !this.append(segment, segment.ends)) return;
    segment.ends = '';
  }

  private append(segment: Segment, text: string): boolean {
    // After a write cut short (a full disk), the next one starts on a line of its own.
    const data = Buffer.from(segment.cut ? `\n${text}` : text);
    try {
      const written = writeSync(segment.fd, data);
      segment.bytes += written;
      segment.cut = written < data.length;
      if (segment.cut) throw new Error(`wrote ${written} of ${data.length} bytes to ${segment.path}`);
      // Written again: a later failure is news, and is reported.
      this.failed = false;
      return true;
    } catch (err) {
      segment.cut = true;
      this.report(err);
      return false;
    }
  }

  /** Closes `segment` and removes its file, off the event loop unless `now` (freeing megabytes of file takes a while). */
  private drop(segment: Segment, opts: { now?: boolean } = {}): void {
    this.live.delete(segment);
    try {
      closeSync(segment.fd);
      if (opts.now) rmSync(segment.path, { force: true });
    } catch (err) {
      this.report(err);
    }
    if (opts.now) return;
    const removal = rm(segment.path, { force: true })
      .catch((err: unknown) => this.report(err))
      .finally(() => this.removing.delete(removal));
    this.removing.add(removal);
  }

  /** Resolves once the files being removed off the event loop are gone. */
  async removed(): Promise<void> {
    await Promise.all(this.removing);
  }

  /** Tells onError of a failure, once until a write succeeds again. */
  private report(err: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.onError?.(err);
  }
}

/** The number after the last file of the log at `path` (0 when there is none). */
function nextFileNumber(path: string): number {
  const last = logFiles(path).at(-1);
  return last === undefined ? 0 : Number(last.slice(last.lastIndexOf('.') + 1)) + 1;
}

/** The files of the log at `path`, oldest first. */
function logFiles(path: string): string[] {
  const dir = dirname(path);
  const prefix = `${basename(path)}.`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.startsWith(prefix) && /^\d+$/.test(n.slice(prefix.length)))
    .sort((a, b) => Number(a.slice(prefix.length)) - Number(b.slice(prefix.length)))
    .map((n) => join(dir, n));
}

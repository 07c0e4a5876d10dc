// The batch completer's writes, on disk: what was left of part-written group commits, so that a
// server that crashes (or is stopped) before finishing them finishes them at its next start. It is
// kept outside DynamoDB on purpose: the store is what refused these writes.
//
// The file holds the whole of what is unfinished, rewritten (temporary file, fsync, rename) each time
// that changes, and removed once nothing is left. It is written only when a batch landed in part or
// lost its answer (it may have landed in part), which is rare; the hot path never touches it. A write that landed just before a crash, before the
// file said so, is written again at the next start: the completer's writes are therefore all safe to
// repeat (the event's item is the same item; a fan-out row again finds its deliveries existing; its
// analytics facts are marked to be counted once).
import { open, readFile, rename, rm } from 'node:fs/promises';
import type { MarshalledRequests } from './batch-write.js';

/** One write of the completer, with its table. */
export interface JournalWrite {
  table: string;
  write: MarshalledRequests[string][number];
}

interface JournalFile {
  version: 1;
  writes: JournalWrite[];
}

export class UnfinishedJournal {
  private tail: Promise<unknown> = Promise.resolve();
  private queued: Promise<void> | undefined;

  /** `snapshot` tells what is unfinished now; the journal asks it just before each write. */
  constructor(
    readonly path: string,
    private readonly snapshot: () => JournalWrite[] = () => [],
  ) {}

  /**
   * The writes the file holds (empty when there is none). A file that cannot be read as a journal is
   * an error: deleting it would lose the writes it may hold, so it is left for a person to look at.
   */
  async load(): Promise<JournalWrite[]> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const parsed = JSON.parse(text) as Partial<JournalFile>;
    if (parsed.version !== 1 || !Array.isArray(parsed.writes)) throw new Error(`${this.path} is not a journal of unfinished writes (version 1)`);
    return parsed.writes;
  }

  /**
   * Records what is unfinished now; resolves once that is on disk. Calls made while a write waits
   * share it; a call made once a write has begun gets the next one, so it never resolves on a
   * snapshot taken before it.
   */
  persist(): Promise<void> {
    if (this.queued) return this.queued;
    const next = this.tail.then(() => {
      this.queued = undefined;
      return this.write(this.snapshot());
    });
    this.queued = next;
    this.tail = next.catch(() => undefined);
    return next;
  }

  private async write(writes: JournalWrite[]): Promise<void> {
    if (writes.length === 0) {
      await rm(this.path, { force: true });
      return;
    }
    const temporary = `${this.path}.tmp`;
    const file = await open(temporary, 'w', 0o600);
    try {
      await file.writeFile(JSON.stringify({ version: 1, writes } satisfies JournalFile));
      await file.sync();
    } finally {
      await file.close();
    }
    // A rename replaces the file whole: a crash leaves the old journal or the new one, never a mix.
    await rename(temporary, this.path);
  }
}

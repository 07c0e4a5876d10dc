// history.jsonl: one record per line, written as the run goes (so a crashed or interrupted run
// still leaves its history behind) and read back line by line with each line checked.
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { open } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import { createInterface } from 'node:readline';
import type { HistoryRecord } from './history.js';
import { historyRecordSchema } from './history-schema.js';

/** How the writer batches: a batch goes out when it holds `maxLines` records or is `maxDelayMs` old. */
export interface HistoryBatching {
  /** Records per write, at most (default 256). */
  maxLines?: number;
  /** How long a record may wait in memory (default 200 ms): all a SIGKILL can take from the file. */
  maxDelayMs?: number;
}

/**
 * Appends records to a stream as they happen, in bounded batches (one write per batch, whole lines
 * only), so a run killed outright leaves every record older than `maxDelayMs` on disk. A write error
 * is kept and raised by `close()`, so the hot path never awaits the disk.
 */
export class HistoryWriter {
  private failure: Error | undefined;
  private closed = false;
  private batch: string[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly maxLines: number;
  private readonly maxDelayMs: number;

  constructor(
    private readonly out: Writable,
    batching: HistoryBatching = {},
  ) {
    this.maxLines = batching.maxLines ?? 256;
    this.maxDelayMs = batching.maxDelayMs ?? 200;
    out.on('error', (error: Error) => {
      this.failure ??= error;
    });
  }

  /** Queues one record as one line. Throws once the writer is closed. */
  append(record: HistoryRecord): void {
    if (this.closed) throw new Error('history writer is closed; records after close() are lost');
    this.batch.push(`${JSON.stringify(record)}\n`);
    if (this.batch.length >= this.maxLines) this.flush();
    else if (this.timer === undefined) {
      this.timer = setTimeout(() => this.flush(), this.maxDelayMs);
      // A pending batch must not keep a finished process alive; close() writes it.
      this.timer.unref();
    }
  }

  /** Hands the queued lines to the stream now, as one write. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.batch.length === 0 || this.failure) return;
    this.out.write(this.batch.join(''));
    this.batch = [];
  }

  /** Flushes and closes the stream; rejects with the first write error, if there was one. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    if (!this.failure) {
      this.out.end();
      await Promise.race([once(this.out, 'finish'), once(this.out, 'error')]).catch(() => undefined);
    } else {
      this.out.destroy();
    }
    if (this.failure) throw new Error(`could not write the history: ${this.failure.message}`, { cause: this.failure });
  }
}

/**
 * Opens `path` (truncating it) for a run's history.
 * @example const history = openHistoryWriter(join(out, 'history.jsonl')); history.append(record); await history.close();
 */
export function openHistoryWriter(path: string, batching?: HistoryBatching): HistoryWriter {
  return new HistoryWriter(createWriteStream(path, { flags: 'w', encoding: 'utf8' }), batching);
}

/** Parses one line of history.jsonl, or throws naming the line and what is wrong with it. */
export function parseHistoryLine(line: string, lineNumber: number, file = 'history.jsonl'): HistoryRecord {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    throw new Error(`${file}:${lineNumber}: not JSON; each line must be one history record`);
  }
  const parsed = historyRecordSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'record';
  throw new Error(`${file}:${lineNumber}: ${where}: ${issue?.message ?? 'not a history record'}`);
}

/**
 * Streams the records of a history.jsonl, skipping blank lines. Throws on the first bad line, except
 * a last line cut short (no newline, not JSON): a run killed mid-write leaves one, and what came
 * before it is still the history up to the kill.
 */
export async function* readHistory(path: string): AsyncGenerator<HistoryRecord> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let lineNumber = 0;
  let pending: { line: string; lineNumber: number } | undefined;
  for await (const line of lines) {
    lineNumber++;
    if (pending) yield parseHistoryLine(pending.line, pending.lineNumber, path);
    pending = line.trim() === '' ? undefined : { line, lineNumber };
  }
  if (!pending) return;
  try {
    yield parseHistoryLine(pending.line, pending.lineNumber, path);
  } catch (err) {
    if (!(await endsTorn(path))) throw err;
  }
}

/** Whether the file's last byte is not a newline: its last line was cut short by a kill. */
async function endsTorn(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size === 0) return false;
    const last = Buffer.alloc(1);
    await handle.read(last, 0, 1, size - 1);
    return last[0] !== 0x0a;
  } finally {
    await handle.close();
  }
}

/** Reads a whole history.jsonl into memory, e.g. to run the checkers on it. */
export async function loadHistory(path: string): Promise<HistoryRecord[]> {
  const records: HistoryRecord[] = [];
  for await (const record of readHistory(path)) records.push(record);
  return records;
}

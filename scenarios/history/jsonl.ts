// history.jsonl: one record per line, written as the run goes (so a crashed or interrupted run
// still leaves its history behind) and read back line by line with each line checked.
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { createInterface } from 'node:readline';
import type { HistoryRecord } from './history.js';
import { historyRecordSchema } from './history-schema.js';

/**
 * Appends records to a stream as they happen. A write error is kept and raised by `close()`,
 * so the hot path never awaits the disk.
 */
export class HistoryWriter {
  private failure: Error | undefined;
  private closed = false;

  constructor(private readonly out: Writable) {
    out.on('error', (error: Error) => {
      this.failure ??= error;
    });
  }

  /** Writes one record as one line. Throws once the writer is closed. */
  append(record: HistoryRecord): void {
    if (this.closed) throw new Error('history writer is closed; records after close() are lost');
    this.out.write(`${JSON.stringify(record)}\n`);
  }

  /** Flushes and closes the stream; rejects with the first write error, if there was one. */
  async close(): Promise<void> {
    if (this.closed) return;
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
export function openHistoryWriter(path: string): HistoryWriter {
  return new HistoryWriter(createWriteStream(path, { flags: 'w', encoding: 'utf8' }));
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

/** Streams the records of a history.jsonl, skipping blank lines. Throws on the first bad line. */
export async function* readHistory(path: string): AsyncGenerator<HistoryRecord> {
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  let lineNumber = 0;
  for await (const line of lines) {
    lineNumber++;
    if (line.trim() === '') continue;
    yield parseHistoryLine(line, lineNumber, path);
  }
}

/** Reads a whole history.jsonl into memory, e.g. to run the checkers on it. */
export async function loadHistory(path: string): Promise<HistoryRecord[]> {
  const records: HistoryRecord[] = [];
  for await (const record of readHistory(path)) records.push(record);
  return records;
}

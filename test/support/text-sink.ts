// A writable stream that keeps what is written to it, for a command's `out` and `err` in process.
import { Writable } from 'node:stream';

/** The stream (typed as a terminal's, which commands accept) and what has been written to it so far. */
export function textSink(): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      text += chunk.toString();
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  return { stream, text: () => text };
}

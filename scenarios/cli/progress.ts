// Live progress while a run runs: on a terminal, one line rewritten in place every second; otherwise
// (CI logs, --no-progress) plain lines for phases and faults and a line every five seconds.
import { formatDuration } from '../gates/duration.js';
import type { RunEvent } from '../runner/run-events.js';

/** A progress sink: `onEvent` for runScenario, `done()` to clear the live line. */
export interface Progress {
  onEvent(event: RunEvent): void;
  done(): void;
}

function tickText(e: Extract<RunEvent, { type: 'tick' }>): string {
  const ok = e.success_rate === null ? '—' : `${(e.success_rate * 100).toFixed(1)}%`;
  const p99 = e.p99_ms === null ? '—' : `${Math.round(e.p99_ms)}ms`;
  // The second's numbers count answered requests only: a stall shows as requests left in flight, and
  // once the oldest has waited a second, as how long.
  const waiting = e.oldest_ms !== null && e.oldest_ms >= 1_000 ? ` (oldest ${formatDuration(Math.floor(e.oldest_ms / 100) * 100)})` : '';
  return `${formatDuration(Math.floor(e.time / 1000) * 1000)}/${formatDuration(e.total)}  ${e.rate} req/s  ok ${ok}  p99 ${p99}  in flight ${e.in_flight}${waiting}  deliveries ${e.deliveries}/s  faults ${e.faults}`;
}

function eventText(e: RunEvent): string | undefined {
  switch (e.type) {
    case 'setup':
      return e.message;
    case 'phase':
      return `${formatDuration(Math.round(e.time))} ${e.phase}`;
    case 'fault':
      return `${formatDuration(Math.round(e.time))} fault ${e.action}: ${e.name} (${e.kind})${e.error ? `: ${e.error}` : ''}`;
    case 'tick':
      return undefined;
  }
}

/** A progress display writing to `out`; `live` rewrites one line (a TTY), otherwise plain lines. */
export function createProgress(out: NodeJS.WritableStream, live: boolean, prefix: string): Progress {
  let lastPlain = -1;
  let shown = false;
  const clear = () => {
    if (shown) out.write('\r\x1b[2K');
    shown = false;
  };
  return {
    onEvent(e) {
      const text = eventText(e);
      if (text !== undefined) {
        clear();
        out.write(`${prefix}${text}\n`);
        return;
      }
      if (e.type !== 'tick') return;
      if (live) {
        clear();
        out.write(`${prefix}${tickText(e)}`);
        shown = true;
      } else if (Math.floor(e.time / 5_000) !== lastPlain) {
        lastPlain = Math.floor(e.time / 5_000);
        out.write(`${prefix}${tickText(e)}\n`);
      }
    },
    done: clear,
  };
}

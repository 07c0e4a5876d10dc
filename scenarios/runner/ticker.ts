// Once a second, the last complete bucket's numbers as a progress event (what the live line shows),
// and what is unanswered right now: a bucket only counts requests once they are answered, so a service
// that stopped answering shows first as requests in flight for longer and longer.
import type { RunClock } from './run-clock.js';
import type { RunEvent } from './run-events.js';
import type { RunRecorder } from './run-recorder.js';

/** Starts ticking; `stop()` ends it. */
export function startTicker(input: { clock: RunClock; recorder: RunRecorder; total: number; emit: (e: RunEvent) => void; active: () => number }): { stop(): void } {
  const timer = setInterval(() => {
    const time = input.clock.now();
    const second = Math.floor(time / 1000) - 1;
    if (second < 0) return;
    const window = { start: second * 1000, end: (second + 1) * 1000 };
    const op = input.recorder.measurements.opWindow('create_event', window);
    const deliveries = input.recorder.measurements.deliveryWindow(window);
    const open = input.recorder.inFlight();
    const oldest_ms = open.oldestIntended === null ? null : Math.max(0, time - open.oldestIntended);
    input.emit({ type: 'tick', time, total: input.total, rate: op.rate, success_rate: op.success_rate, p99_ms: op.latency?.p99 ?? null, deliveries: deliveries.accepted, faults: input.active(), in_flight: open.count, oldest_ms });
  }, 1_000);
  return { stop: () => clearInterval(timer) };
}

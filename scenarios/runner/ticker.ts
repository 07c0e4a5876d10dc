// Once a second, the last complete bucket's numbers as a progress event (what the live line shows).
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
    input.emit({ type: 'tick', time, total: input.total, rate: op.rate, success_rate: op.success_rate, p99_ms: op.latency?.p99 ?? null, deliveries: deliveries.accepted, faults: input.active() });
  }, 1_000);
  return { stop: () => clearInterval(timer) };
}

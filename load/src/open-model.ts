// Open-model load: requests start at a constant arrival rate whether or not earlier ones finished,
// and latency is measured from each request's *intended* start, so a stall shows up in the tail
// instead of silently lowering the load (no coordinated omission).
import * as hdr from 'hdr-histogram-js';

/** What one request reports back. */
export interface Outcome {
  ok: boolean;
  status: number;
}

export interface OpenModelOptions {
  /** Requests per second. */
  rate: number;
  durationMs: number;
  /** Starts request `i`; must not throw (report failures as `ok: false`). */
  send: (i: number) => Promise<Outcome>;
  /** Requests outstanding beyond this are counted as dropped instead of sent (bounds memory). */
  maxInFlight?: number;
}

export interface OpenModelResult {
  intended: number;
  completed: number;
  failed: number;
  dropped: number;
  statuses: Record<string, number>;
  achievedRate: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
}

/**
 * Runs the load and resolves once every started request finished.
 * @example const r = await runOpenModel({ rate: 200, durationMs: 5_000, send: () => post() });
 */
export async function runOpenModel(opts: OpenModelOptions): Promise<OpenModelResult> {
  const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
  const statuses: Record<string, number> = {};
  const pending = new Set<Promise<void>>();
  const maxInFlight = opts.maxInFlight ?? 10_000;
  let started = 0;
  let completed = 0;
  let failed = 0;
  let dropped = 0;
  const t0 = performance.now();
  const total = Math.floor((opts.rate * opts.durationMs) / 1000);

  const launch = (i: number, intendedAt: number) => {
    if (pending.size >= maxInFlight) {
      dropped++;
      return;
    }
    const p = opts.send(i).then((outcome) => {
      // Microseconds from the intended start, so queueing behind a stall counts as latency.
      histogram.recordValue(Math.max(1, Math.round((performance.now() - intendedAt) * 1000)));
      statuses[outcome.status] = (statuses[outcome.status] ?? 0) + 1;
      if (outcome.ok) completed++;
      else failed++;
      pending.delete(p);
    });
    pending.add(p);
  };

  while (started < total) {
    const elapsed = performance.now() - t0;
    const due = Math.min(total, Math.floor((elapsed * opts.rate) / 1000) + 1);
    for (; started < due; started++) launch(started, t0 + (started * 1000) / opts.rate);
    const nextAt = t0 + (started * 1000) / opts.rate;
    await new Promise((r) => setTimeout(r, Math.max(0, nextAt - performance.now())));
  }
  await Promise.all(pending);
  const seconds = (performance.now() - t0) / 1000;
  const ms = (p: number) => histogram.getValueAtPercentile(p) / 1000;
  const result: OpenModelResult = {
    intended: total,
    completed,
    failed,
    dropped,
    statuses,
    achievedRate: (completed + failed) / seconds,
    latencyMs: { p50: ms(50), p90: ms(90), p99: ms(99), max: histogram.maxValue / 1000, mean: histogram.mean / 1000 },
  };
  histogram.destroy();
  return result;
}

// Open-model load: requests start at the arrival rate whether or not earlier ones finished, and latency
// is measured from each request's *intended* start, so a stall shows up in the tail instead of
// silently lowering the load (no coordinated omission). Each outcome streams out as it lands, the rate
// may change mid-run, and an abort signal stops new arrivals.
import * as hdr from 'hdr-histogram-js';

/** What one request reports back. */
export interface Outcome {
  ok: boolean;
  status: number;
  /** What the request did (`create_event`, `list_webhooks`, …), carried into its {@link RequestOutcome}. */
  operation?: string;
}

/** One finished request, as {@link OpenModelOptions.onOutcome} hears of it. Times are epoch ms from `now`. */
export interface RequestOutcome extends Outcome {
  /** Its index in arrival order. */
  i: number;
  /** When it was due to start by the arrival schedule (latency counts from here). */
  intendedAt: number;
  /** When its send settled. */
  endedAt: number;
  /** `endedAt - intendedAt`. */
  latencyMs: number;
}

/** Requests per second: fixed, or read at each arrival (ms since the start) so it can change mid-run; ≤ 0 pauses arrivals. */
export type Rate = number | ((elapsedMs: number) => number);

export interface OpenModelOptions {
  rate: Rate;
  durationMs: number;
  /** Starts request `i`; must not throw (report failures as `ok: false`). */
  send: (i: number) => Promise<Outcome>;
  /** Requests outstanding beyond this are counted as dropped instead of sent (bounds memory). */
  maxInFlight?: number;
  /** Told about every finished request as it finishes (a runner buckets them per second). */
  onOutcome?: (outcome: RequestOutcome) => void;
  /** Told about every arrival dropped for `maxInFlight`, when it was due (epoch ms from `now`). */
  onDrop?: (drop: { i: number; intendedAt: number }) => void;
  /** Stops new arrivals; the run then resolves once the requests in flight settle. */
  signal?: AbortSignal;
  /** Epoch-ms clock for the times reported to `onOutcome` (default: `performance.timeOrigin + performance.now()`). */
  now?: () => number;
}

export interface OpenModelResult {
  /** Arrivals scheduled (sent or dropped). */
  intended: number;
  completed: number;
  failed: number;
  dropped: number;
  statuses: Record<string, number>;
  achievedRate: number;
  latencyMs: { p50: number; p90: number; p99: number; max: number; mean: number };
  /** How late each sent request started against its intended start (the generator's own timing error). */
  schedulingErrorMs: { p50: number; p99: number; max: number };
  /** True when the signal ended the run before `durationMs`. */
  aborted: boolean;
}

/** How often a paused schedule (rate ≤ 0) looks at the rate again, ms. */
const PAUSED_POLL_MS = 50;

/**
 * Runs the load and resolves once every started request finished.
 * @example
 * let rate = 200;
 * const stop = new AbortController();
 * const r = await runOpenModel({ rate: () => rate, durationMs: 5_000, send: () => post(), onOutcome: (o) => bucket(o), signal: stop.signal });
 */
export async function runOpenModel(opts: OpenModelOptions): Promise<OpenModelResult> {
  const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
  const lateness = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });
  const statuses: Record<string, number> = {};
  const pending = new Set<Promise<void>>();
  const maxInFlight = opts.maxInFlight ?? 10_000;
  const rateAt = typeof opts.rate === 'function' ? opts.rate : () => opts.rate as number;
  const origin = (opts.now ?? (() => performance.timeOrigin + performance.now()))() - performance.now();
  let started = 0;
  let completed = 0;
  let failed = 0;
  let dropped = 0;
  const t0 = performance.now();
  const end = t0 + opts.durationMs;

  // Starts every arrival that is due; assigned below, once the schedule's state exists.
  let pump = () => {};
  const launch = (i: number, intendedAt: number) => {
    if (pending.size >= maxInFlight) {
      dropped++;
      opts.onDrop?.({ i, intendedAt: origin + intendedAt });
      return;
    }
    // Microseconds (at least 1: HDR records no zero) between the schedule's start and the actual one.
    lateness.recordValue(Math.max(1, Math.round((performance.now() - intendedAt) * 1000)));
    const p = opts.send(i).then((outcome) => {
      const endedAt = performance.now();
      // Microseconds from the intended start, so queueing behind a stall counts as latency.
      histogram.recordValue(Math.max(1, Math.round((endedAt - intendedAt) * 1000)));
      statuses[outcome.status] = (statuses[outcome.status] ?? 0) + 1;
      if (outcome.ok) completed++;
      else failed++;
      pending.delete(p);
      opts.onOutcome?.({ ...outcome, i, intendedAt: origin + intendedAt, endedAt: origin + endedAt, latencyMs: endedAt - intendedAt });
      // Each answer is a wake-up: arrivals due by now start here instead of waiting for the timer,
      // whose millisecond granularity would otherwise make every one up to a millisecond late.
      pump();
    });
    pending.add(p);
  };

  // `nextAt` advances by 1000/rate per arrival, the rate read at that arrival's due time. A fixed rate
  // gives arrival i at t0 + i·1000/rate, as before; the small epsilon keeps float drift from adding one.
  let nextAt = t0;
  // The gap between the last two arrivals, ms: below a millisecond the waits need a finer clock.
  let gapMs = Infinity;
  const running = () => !opts.signal?.aborted && nextAt < end - 1e-6;
  pump = () => {
    const now = performance.now();
    while (nextAt <= now && running()) {
      const rate = rateAt(nextAt - t0);
      if (rate > 0) {
        launch(started++, nextAt);
        gapMs = 1000 / rate;
        nextAt += gapMs;
      } else {
        gapMs = Infinity;
        nextAt = Math.max(nextAt, now) + PAUSED_POLL_MS;
      }
    }
  };
  while (running()) {
    pump();
    const waitMs = Math.max(0, Math.min(nextAt, end) - performance.now());
    await (gapMs < 1 && waitMs < 1 ? preciseWait(waitMs) : pause(waitMs, opts.signal));
  }
  await Promise.all(pending);
  const seconds = (performance.now() - t0) / 1000;
  const ms = (p: number) => histogram.getValueAtPercentile(p) / 1000;
  const result: OpenModelResult = {
    intended: started,
    completed,
    failed,
    dropped,
    statuses,
    achievedRate: (completed + failed) / seconds,
    latencyMs: { p50: ms(50), p90: ms(90), p99: ms(99), max: histogram.maxValue / 1000, mean: histogram.mean / 1000 },
    schedulingErrorMs: { p50: lateness.getValueAtPercentile(50) / 1000, p99: lateness.getValueAtPercentile(99) / 1000, max: lateness.maxValue / 1000 },
    aborted: opts.signal?.aborted ?? false,
  };
  histogram.destroy();
  lateness.destroy();
  return result;
}

/** What {@link preciseWait} blocks on: nothing ever notifies it, so the wait always runs its time out. */
const SLEEPER = new Int32Array(new SharedArrayBuffer(4));

/**
 * Waits less than a millisecond, then yields to the event loop. Node's timers count whole
 * milliseconds, so above 1,000 arrivals/s a timer would start every request up to a millisecond or two
 * late, in batches; a futex sleep (`Atomics.wait`) is exact to microseconds and burns no CPU. It holds
 * the event loop for that fraction of a millisecond, so answers are read at most that much later.
 */
function preciseWait(ms: number): Promise<void> {
  if (ms > 0) Atomics.wait(SLEEPER, 0, 0, ms);
  return new Promise((resolve) => setImmediate(resolve));
}

/** Waits `ms`, or less if `signal` aborts first. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

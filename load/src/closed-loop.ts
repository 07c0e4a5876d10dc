// Closed-loop throughput: `concurrency` workers each send the next request as soon as the last one
// finished, for a fixed time. Measures capacity (the ceiling), not latency under a given load.

export interface ClosedLoopResult {
  ops: number;
  errors: number;
  seconds: number;
  opsPerSecond: number;
}

/** Runs `op` back to back on `concurrency` lanes for `durationMs`. `op` resolves `false` on failure. */
export async function runClosedLoop(opts: { concurrency: number; durationMs: number; op: (i: number) => Promise<boolean> }): Promise<ClosedLoopResult> {
  let ops = 0;
  let errors = 0;
  let next = 0;
  const t0 = performance.now();
  const deadline = t0 + opts.durationMs;
  const lane = async () => {
    while (performance.now() < deadline) {
      const ok = await opts.op(next++).catch(() => false);
      if (ok) ops++;
      else errors++;
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency }, lane));
  const seconds = (performance.now() - t0) / 1000;
  return { ops, errors, seconds, opsPerSecond: ops / seconds };
}

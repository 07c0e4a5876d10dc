// A background job on a fixed interval: one pass at a time (a tick that finds a pass running joins it),
// a pass that fails is reported and the next tick tries again, and stopping waits for the pass in flight.

/** A running job: `sweep` runs one pass now (or joins the one running), `stop` ends the schedule and waits for a pass in flight. */
export interface PeriodicJob {
  sweep(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Runs `pass` every `intervalMs` (the timer does not keep the process alive).
 * @example const job = startPeriodicJob(() => expireKeys(opts), 60_000, (err) => logger.warn({ err }, 'key expiry sweep failed'));
 */
export function startPeriodicJob(pass: () => Promise<number>, intervalMs: number, onError: (err: unknown) => void): PeriodicJob {
  let running: Promise<number> | undefined;
  const sweep = () => (running ??= pass().finally(() => (running = undefined)));
  const timer = setInterval(() => void sweep().catch(onError), intervalMs);
  timer.unref();
  return {
    sweep,
    async stop() {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}

// Rate throttle injector: calls beyond N per second (per rule, fixed one-second windows on the injected
// clock) are refused with a throttling error (DynamoDB) or 429 (HTTP).
import { z } from 'zod';

/** Settings: the allowed rate, and what a refused call sees. */
export const throttleSchema = z.strictObject({
  kind: z.literal('throttle'),
  ops_per_second: z.number().int().min(0).max(1_000_000),
  error: z.enum(['ThrottlingException', 'ProvisionedThroughputExceededException', 'RequestLimitExceeded']).default('ThrottlingException'),
  retry_after_s: z.number().int().min(0).max(3600).default(1),
});

/** A validated throttle injector. */
export type ThrottleInjector = z.infer<typeof throttleSchema>;

/**
 * Counts calls in the current one-second window. Fixed windows (not sliding) keep the decision a pure
 * function of the clock and the call order, so replays agree.
 */
export class RateWindow {
  private window = Number.NaN;
  private used = 0;

  constructor(private readonly limit: number) {}

  /** Records one call at `now` (ms); true when it is within the rate, false when it should be refused. */
  admit(now: number): boolean {
    const window = Math.floor(now / 1000);
    if (window !== this.window) {
      this.window = window;
      this.used = 0;
    }
    this.used += 1;
    return this.used <= this.limit;
  }
}

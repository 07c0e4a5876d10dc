// Clock skew injector (worker loops): the worker's clock runs ahead or behind by a fixed offset, to
// test lease expiry, token windows and schedules against a drifting host.
import { z } from 'zod';

/** Settings: the offset in milliseconds (negative: behind). At most a day either way. */
export const clockSkewSchema = z.strictObject({
  kind: z.literal('clock_skew'),
  offset_ms: z.number().int().min(-86_400_000).max(86_400_000),
});

/** A validated clock skew injector. */
export type ClockSkewInjector = z.infer<typeof clockSkewSchema>;

// Latency injector: delays a call by a fixed time, a uniform range (e.g. 100–500 ms) or a normal
// distribution with jitter. The delay is drawn at decision time, so it is part of the replayable log.
import { z } from 'zod';
import { standardNormal, type Random } from '../random/seeded-random.js';

const ms = z.number().int().min(0).max(600_000);

/**
 * Settings: exactly one of `ms` (fixed), `min_ms`+`max_ms` (uniform) or `mean_ms`(+`jitter_ms`, the
 * standard deviation; normal, clamped to [0, mean + 4·jitter]).
 */
export const latencySchema = z
  .strictObject({
    kind: z.literal('latency'),
    ms: ms.optional(),
    min_ms: ms.optional(),
    max_ms: ms.optional(),
    mean_ms: ms.optional(),
    jitter_ms: ms.optional(),
  })
  .superRefine((value, ctx) => {
    const forms = [value.ms !== undefined, value.min_ms !== undefined || value.max_ms !== undefined, value.mean_ms !== undefined];
    if (forms.filter(Boolean).length !== 1) {
      ctx.addIssue({ code: 'custom', path: ['ms'], message: 'give exactly one of ms, min_ms+max_ms, or mean_ms(+jitter_ms)' });
    }
    if ((value.min_ms === undefined) !== (value.max_ms === undefined)) {
      ctx.addIssue({ code: 'custom', path: [value.min_ms === undefined ? 'min_ms' : 'max_ms'], message: 'min_ms and max_ms go together' });
    } else if (value.min_ms !== undefined && value.max_ms !== undefined && value.min_ms > value.max_ms) {
      ctx.addIssue({ code: 'custom', path: ['max_ms'], message: 'max_ms must be at least min_ms' });
    }
    if (value.jitter_ms !== undefined && value.mean_ms === undefined) {
      ctx.addIssue({ code: 'custom', path: ['jitter_ms'], message: 'jitter_ms needs mean_ms' });
    }
  });

/** A validated latency injector. */
export type LatencyInjector = z.infer<typeof latencySchema>;

/**
 * Draws one delay in whole milliseconds. Always consumes the same number of draws for a given form,
 * so a replay stays aligned.
 */
export function latencyDelayMs(injector: LatencyInjector, random: Random): number {
  if (injector.ms !== undefined) return injector.ms;
  if (injector.min_ms !== undefined && injector.max_ms !== undefined) {
    return Math.round(injector.min_ms + random.next() * (injector.max_ms - injector.min_ms));
  }
  const mean = injector.mean_ms ?? 0;
  const jitter = injector.jitter_ms ?? 0;
  const drawn = mean + standardNormal(random) * jitter;
  return Math.round(Math.min(Math.max(drawn, 0), mean + 4 * jitter));
}

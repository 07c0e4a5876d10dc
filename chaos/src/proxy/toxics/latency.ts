// The latency toxic: each chunk is held until its arrival time plus latency plus a seeded jitter, so
// delays do not add up across chunks. Removing or updating the toxic releases held data at once.
import { pause, type ToxicType } from './toxic.js';

/** `latency`: `latency` ms, `jitter` ms (uniform offset in [−jitter, +jitter)). */
export const latency: ToxicType = {
  name: 'latency',
  defaults: { latency: 0, jitter: 0 },
  start: (attributes, { signal, random, now }) => {
    const base = attributes.latency ?? 0;
    const jitter = attributes.jitter ?? 0;
    return {
      async onData(chunk, next) {
        const offset = jitter > 0 ? random.int(2 * jitter) - jitter : 0;
        const releaseAt = chunk.arrivedAt + base + offset;
        await pause(releaseAt - now(), signal);
        await next(chunk);
      },
    };
  },
};

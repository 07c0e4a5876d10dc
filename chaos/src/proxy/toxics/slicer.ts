// The slicer toxic: splits each chunk into pieces of seeded random size around `average_size`
// (± `size_variation`) with `delay` µs between pieces, so the receiver sees many small reads.
import { pause, type ToxicType } from './toxic.js';

/** `slicer`: `average_size` bytes, `size_variation` bytes, `delay` µs between pieces. */
export const slicer: ToxicType = {
  name: 'slicer',
  defaults: { average_size: 0, size_variation: 0, delay: 0 },
  start: (attributes, { signal, random, now }) => {
    const average = attributes.average_size ?? 0;
    const variation = Math.min(attributes.size_variation ?? 0, Math.max(average - 1, 0));
    const delayMs = (attributes.delay ?? 0) / 1000;
    // Timers cannot wait microseconds, so gaps are scheduled on a clock: short gaps accumulate and are
    // waited out once they add up to a millisecond, keeping the average pace right.
    let nextAt = 0;
    const gap = async (): Promise<boolean> => {
      nextAt = Math.max(nextAt, now()) + delayMs;
      const wait = nextAt - now();
      if (wait >= 1) return pause(wait, signal);
      // Still yield, so each piece leaves as its own write.
      await new Promise<void>((resolve) => setImmediate(resolve));
      return !signal.aborted;
    };
    return {
      async onData(chunk, next) {
        if (average <= 0) return next(chunk);
        let rest = chunk.data;
        while (rest.length > 0) {
          const size = average + (variation > 0 ? random.int(2 * variation + 1) - variation : 0);
          const piece = rest.subarray(0, size);
          rest = rest.subarray(piece.length);
          await next({ data: piece, arrivedAt: chunk.arrivedAt });
          if (rest.length === 0) break;
          // An aborted slicer sends the remainder whole instead of dropping it.
          if (signal.aborted || !(await gap())) break;
        }
        if (rest.length > 0) await next({ data: rest, arrivedAt: chunk.arrivedAt });
      },
    };
  },
};

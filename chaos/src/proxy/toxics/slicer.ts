// The slicer toxic: splits each chunk into pieces of seeded random size around `average_size`
// (± `size_variation`) with `delay` µs between pieces, so the receiver sees many small reads.
import { pause, type ToxicType } from './toxic.js';

/** `slicer`: `average_size` bytes, `size_variation` bytes, `delay` µs between pieces. */
export const slicer: ToxicType = {
  name: 'slicer',
  defaults: { average_size: 0, size_variation: 0, delay: 0 },
  start: (attributes, { signal, random }) => {
    const average = attributes.average_size ?? 0;
    const variation = Math.min(attributes.size_variation ?? 0, Math.max(average - 1, 0));
    const delayMs = (attributes.delay ?? 0) / 1000;
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
          if (signal.aborted || !(await pause(delayMs, signal))) break;
          // Without a delay, still yield so each piece leaves as its own write.
          if (delayMs <= 0) await new Promise<void>((resolve) => setImmediate(resolve));
        }
        if (rest.length > 0) await next({ data: rest, arrivedAt: chunk.arrivedAt });
      },
    };
  },
};

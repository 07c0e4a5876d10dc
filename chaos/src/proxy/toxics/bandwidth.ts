// The bandwidth toxic: data leaves at `rate` KB/s (1 KB = 1000 bytes) in slices of at most 100 ms
// worth of data. Release times are kept on a schedule, so timer granularity does not drift the rate.
import { pause, untilAborted, type ToxicType } from './toxic.js';

/** `bandwidth`: `rate` KB/s; 0 stalls the direction until the toxic is removed or changed. */
export const bandwidth: ToxicType = {
  name: 'bandwidth',
  defaults: { rate: 0 },
  start: (attributes, { signal, now }) => {
    const bytesPerMs = attributes.rate ?? 0;
    const sliceBytes = bytesPerMs * 100;
    // When the previous slice's transmission "ends"; an idle link starts a fresh schedule.
    let scheduleAt = 0;
    return {
      async onData(chunk, next) {
        if (bytesPerMs <= 0) {
          await untilAborted(signal);
          return next(chunk);
        }
        let rest = chunk.data;
        while (rest.length > 0) {
          const slice = rest.subarray(0, sliceBytes);
          scheduleAt = Math.max(scheduleAt, now()) + slice.length / bytesPerMs;
          if (!(await pause(scheduleAt - now(), signal))) break;
          await next({ data: slice, arrivedAt: chunk.arrivedAt });
          rest = rest.subarray(slice.length);
        }
        // Aborted mid-way: what is left goes on at once rather than being dropped.
        if (rest.length > 0) await next({ data: rest, arrivedAt: chunk.arrivedAt });
      },
    };
  },
};

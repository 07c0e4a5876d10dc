// The slow_close toxic: when the source ends, the destination is closed only after `delay` ms.
import { pause, type ToxicType } from './toxic.js';

/** `slow_close`: `delay` ms between the end of the stream and the close. */
export const slowClose: ToxicType = {
  name: 'slow_close',
  defaults: { delay: 0 },
  start: (attributes, { signal }) => ({
    onData: (chunk, next) => next(chunk),
    async onEnd() {
      await pause(attributes.delay ?? 0, signal);
    },
  }),
};

// The limit_data toxic: lets exactly `bytes` bytes through per connection and direction, then closes
// the connection. The count lives in the stage state, so updating the toxic keeps it.
import type { ToxicType } from './toxic.js';

/** `limit_data`: `bytes` that may pass before the connection is closed. */
export const limitData: ToxicType = {
  name: 'limit_data',
  defaults: { bytes: 0 },
  start: (attributes, { state, closeConnection }) => {
    const limit = attributes.bytes ?? 0;
    return {
      async onData(chunk, next) {
        const passed = state.transmitted ?? 0;
        const allowed = Math.max(limit - passed, 0);
        const data = chunk.data.length > allowed ? chunk.data.subarray(0, allowed) : chunk.data;
        if (data.length > 0) {
          state.transmitted = passed + data.length;
          await next({ data, arrivedAt: chunk.arrivedAt });
        }
        if ((state.transmitted ?? 0) >= limit) closeConnection();
      },
    };
  },
};

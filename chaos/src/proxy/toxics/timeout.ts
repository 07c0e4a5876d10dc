// The timeout toxic: drops all data and closes the connection `timeout` ms after it starts on the
// connection (0: never closes, data just vanishes). Removing it closes the connection, as upstream does.
import { setLongTimeout } from './long-timeout.js';
import type { ToxicType } from './toxic.js';

/** `timeout`: `timeout` ms before the connection is closed; data in this direction is dropped. */
export const timeout: ToxicType = {
  name: 'timeout',
  defaults: { timeout: 0 },
  start: (attributes, { closeConnection }) => {
    const ms = attributes.timeout ?? 0;
    // A long timeout holds for its full length (a plain setTimeout past 2^31 ms fires after 1 ms).
    const timer = ms > 0 ? setLongTimeout(closeConnection, ms) : undefined;
    return {
      onData: async () => {},
      onStop(reason) {
        timer?.clear();
        if (reason === 'removed') closeConnection();
      },
    };
  },
};

// The timeout toxic: drops all data and closes the connection `timeout` ms after it starts on the
// connection (0: never closes, data just vanishes). Removing it closes the connection, as upstream does.
import type { ToxicType } from './toxic.js';

/** `timeout`: `timeout` ms before the connection is closed; data in this direction is dropped. */
export const timeout: ToxicType = {
  name: 'timeout',
  defaults: { timeout: 0 },
  start: (attributes, { closeConnection }) => {
    const ms = attributes.timeout ?? 0;
    const timer = ms > 0 ? setTimeout(closeConnection, ms) : undefined;
    return {
      onData: async () => {},
      onStop(reason) {
        clearTimeout(timer);
        if (reason === 'removed') closeConnection();
      },
    };
  },
};

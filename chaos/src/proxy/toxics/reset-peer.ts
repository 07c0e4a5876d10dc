// The reset_peer toxic: on the first data it waits `timeout` ms, then resets the connection with a
// real TCP RST (the client sees ECONNRESET). Data that arrives meanwhile is dropped, as upstream does.
import { pause, type ToxicType } from './toxic.js';

/** `reset_peer`: `timeout` ms between the first data and the reset (0: at once). */
export const resetPeer: ToxicType = {
  name: 'reset_peer',
  defaults: { timeout: 0 },
  start: (attributes, { signal, resetConnection }) => {
    let triggered = false;
    return {
      async onData(chunk, next) {
        if (signal.aborted) return next(chunk);
        if (triggered) return;
        triggered = true;
        if (await pause(attributes.timeout ?? 0, signal)) resetConnection();
        else await next(chunk);
      },
    };
  },
};

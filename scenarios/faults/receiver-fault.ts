// `receiver` faults: the runner's own webhook receiver answers badly (status, delay, hang, reset,
// trickle) for the window, then answers 200 again and cuts any request it was holding.
import type { Receiver } from '../receiver/receiver.js';
import type { ReceiverFault } from '../scenario/fault-schema.js';
import type { ActiveFault } from './active-fault.js';

/** Starts the misbehaviour at once; healing is synchronous and cannot fail. */
export function applyReceiverFault(fault: ReceiverFault, receiver: Receiver): ActiveFault {
  receiver.inject(fault);
  let healed = false;
  return {
    kind: 'receiver',
    label: 'receiver',
    detail: fault,
    heal: async () => {
      if (healed) return;
      healed = true;
      receiver.heal();
    },
  };
}

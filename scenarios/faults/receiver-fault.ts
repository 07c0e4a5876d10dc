// `receiver` faults: the runner's own webhook receiver (in the runner, or a remote `aftershock
// receiver` driven through its control API) answers badly (status, delay, hang, reset, trickle) for
// the window, then answers 200 again and cuts any request it was holding.
import type { Receiver } from '../receiver/receiver.js';
import type { ReceiverFault } from '../scenario/fault-schema.js';
import type { ActiveFault } from './active-fault.js';

/** Starts the misbehaviour; rejects when a remote receiver refuses it. Healing runs once. */
export async function applyReceiverFault(fault: ReceiverFault, receiver: Receiver): Promise<ActiveFault> {
  await receiver.inject(fault);
  let healed = false;
  return {
    kind: 'receiver',
    label: 'receiver',
    detail: fault,
    heal: async () => {
      if (healed) return;
      healed = true;
      await receiver.heal();
    },
  };
}

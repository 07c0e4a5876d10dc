// `receiver` faults: the runner's own webhook receiver (in the runner, or a remote `aftershock
// receiver` driven through its control API) answers badly (status, delay, hang, reset, trickle) for
// the window, then answers 200 again and cuts any request it was holding.
import type { Receiver } from '../receiver/receiver.js';
import type { ReceiverFault } from '../scenario/fault-schema.js';
import type { ActiveFault } from './active-fault.js';

/**
 * The step whose fault each receiver has in force. A receiver holds one fault at a time, so a step
 * that starts as another ends (`503` until 4s, then `delay` from 4s) replaces it, and the earlier
 * step's heal, sent a moment later, must not take the later step's fault away with it.
 */
const inForce = new WeakMap<Receiver, symbol>();

/** Starts the misbehaviour; rejects when a remote receiver refuses it. Healing runs once. */
export async function applyReceiverFault(fault: ReceiverFault, receiver: Receiver): Promise<ActiveFault> {
  const step = Symbol('receiver fault');
  inForce.set(receiver, step);
  await receiver.inject(fault);
  let healed = false;
  return {
    kind: 'receiver',
    label: 'receiver',
    detail: fault,
    heal: async () => {
      if (healed) return;
      healed = true;
      if (inForce.get(receiver) !== step) return;
      inForce.delete(receiver);
      await receiver.heal();
    },
  };
}

// `receiver` faults: the runner's own webhook receiver (in the runner, or a remote `aftershock
// receiver` driven through its control API) answers badly (status, delay, hang, reset, trickle) for
// the window, then answers 200 again and cuts any request it was holding.
import type { Receiver } from '../receiver/receiver.js';
import type { ReceiverFault } from '../scenario/fault-schema.js';
import type { ActiveFault } from './active-fault.js';
import { sharedHold, type SharedHold } from './shared-hold.js';

/**
 * The steps whose faults each receiver took, in order: the last one's fault is in force. A receiver
 * holds one fault at a time, so a step that starts as another ends (`503` until 4s, then `delay` from
 * 4s) replaces it, and the earlier step's heal, sent a moment later, must not take the later step's
 * fault away with it. Injects and heals go out one at a time, so a heal decided while a later step's
 * inject is on its way waits for it, and then sees that step in force.
 */
const holds = new WeakMap<Receiver, SharedHold<symbol>>();

/** Starts the misbehaviour; rejects when a remote receiver refuses it. Healing runs once. */
export async function applyReceiverFault(fault: ReceiverFault, receiver: Receiver): Promise<ActiveFault> {
  const hold = sharedHold(holds, receiver);
  const step = Symbol('receiver fault');
  // A step whose fault the receiver refused takes nothing over: the step in force keeps it, and its heal.
  await hold.queue.run(async () => {
    await receiver.inject(fault);
    hold.holders.push(step);
  });
  return {
    kind: 'receiver',
    label: 'receiver',
    detail: fault,
    heal: () =>
      hold.queue.run(async () => {
        if (hold.holders.at(-1) !== step) return;
        hold.holders.length = 0;
        await receiver.heal();
      }),
  };
}

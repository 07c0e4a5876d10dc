// `receiver` faults: the runner's own webhook receiver (in the runner, or a remote `aftershock
// receiver` driven through its control API) answers badly (status, delay, hang, reset, trickle) for
// the window, then answers 200 again and cuts any request it was holding.
import type { Receiver } from '../receiver/receiver.js';
import type { ReceiverFault } from '../scenario/fault-schema.js';
import { once, type ActiveFault } from './active-fault.js';
import { sharedHold, type SharedHold } from './shared-hold.js';

/** A step whose fault a receiver took, and which has not healed yet. */
interface Holder {
  fault: ReceiverFault;
}

/**
 * The steps holding each receiver, in the order it took their faults. A receiver holds one fault at a
 * time: the last step's. So a step that starts while another holds it replaces that fault; the earlier
 * step's heal then leaves the later one in force (`503` until 4s, then `delay` from 4s), and the later
 * step's heal, while the earlier one is still within its window, puts the earlier one's fault back
 * until its own heal (an outer `503` over 0–8s, an inner `delay` over 2–4s: `503` again from 4s).
 * Injects and heals go out one at a time, so a heal decided while a later step's inject is on its way
 * waits for it, and then sees that step in force.
 */
const holds = new WeakMap<Receiver, SharedHold<Holder>>();

/**
 * Starts the misbehaviour; rejects when a remote receiver refuses it (the step then holds nothing).
 * Healing runs once. With `onError`, a heal that fails is reported there and never rejects (the
 * timeline's way); without, it rejects.
 */
export async function applyReceiverFault(fault: ReceiverFault, receiver: Receiver, onError?: (err: unknown) => void): Promise<ActiveFault> {
  const hold = sharedHold(holds, receiver);
  const step: Holder = { fault };
  await hold.queue.run(async () => {
    await receiver.inject(fault);
    hold.holders.push(step);
  });
  const undo = () =>
    hold.queue.run(async () => {
      const at = hold.holders.indexOf(step);
      if (at === -1) return;
      hold.holders.splice(at, 1);
      if (at < hold.holders.length) return;
      // This step's fault was the one in force: off it comes, cutting what it held, and the fault of
      // the latest step still holding the receiver comes back.
      const back = hold.holders.at(-1);
      const failures: string[] = [];
      try {
        await receiver.heal();
      } catch (err) {
        failures.push(`healing the receiver: ${messageOf(err)}`);
      }
      if (back) {
        try {
          await receiver.inject(back.fault);
        } catch (err) {
          failures.push(`putting back the fault of the step still in its window (${JSON.stringify(back.fault)}): ${messageOf(err)}`);
        }
      }
      if (failures.length > 0) throw new Error(failures.join('; '));
    });
  return { kind: 'receiver', label: 'receiver', detail: fault, heal: onError ? once(undo, onError) : undo };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

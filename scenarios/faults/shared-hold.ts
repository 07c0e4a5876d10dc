// One thing that several steps' faults can hold at once (a proxy link taken down, the receiver's one
// fault): who holds it, and one queue for the commands sent to it, so that what each step decides as it
// takes hold or lets go reaches the thing in the order it was decided, even when two steps meet at one
// instant (one step's heal and the next one's start).
import { SerialQueue } from '../../chaos/src/proxy/serial-queue.js';

/** The holders of one shared thing, earliest first, and the queue its commands go through. */
export interface SharedHold<H> {
  holders: H[];
  queue: SerialQueue;
}

/** The hold kept for `key` in `registry`, with no holders on first use. */
export function sharedHold<K extends object, H>(registry: WeakMap<K, SharedHold<H>>, key: K): SharedHold<H> {
  let hold = registry.get(key);
  if (!hold) {
    hold = { holders: [], queue: new SerialQueue() };
    registry.set(key, hold);
  }
  return hold;
}

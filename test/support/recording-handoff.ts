// A fan-out handoff for tests of fan-out itself: room for everything, records each lease it is
// given and attempts nothing, so fan-out stores every delivery due now.
import type { Lease } from '../../reference-server/src/store/delivery-items.js';
import type { Handoff } from '../../reference-server/src/workers/fanout.js';

export function recordingHandoff(): { handoff: Handoff; taken: Lease[] } {
  const taken: Lease[] = [];
  const handoff: Handoff = {
    room: () => 1_000,
    attempt: async (lease) => {
      taken.push(lease);
      return false;
    },
  };
  return { handoff, taken };
}

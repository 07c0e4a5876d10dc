// The run's recorder measures delivery lag from each event's create: a fast service may deliver an
// event before the runner has read its create's answer, and that delivery's lag counts all the same.
import { expect, it } from 'vitest';
import { RunRecorder } from '../../../scenarios/runner/run-recorder.js';

it("measures the lag of a delivery that came before its create's answer, once the answer comes", () => {
  const recorder = new RunRecorder();
  // The create was meant to start at 100 ms; its event is delivered at 130 ms, and its answer read at 140 ms.
  recorder.receipt({ kind: 'receipt', delivery_id: 'd1', event_id: 'e1', webhook_id: 'w1', start: 130, end: 131, status: 200 });
  recorder.eventCreated('e1', 100);
  // A delivery after the answer, as before.
  recorder.eventCreated('e2', 200);
  recorder.receipt({ kind: 'receipt', delivery_id: 'd2', event_id: 'e2', webhook_id: 'w1', start: 250, end: 251, status: 200 });
  const window = recorder.measurements.deliveryWindow({ start: 0, end: 1_000 });
  expect(window).toMatchObject({ received: 2, accepted: 2 });
  expect(window.lag?.max).toBeGreaterThanOrEqual(49);
  expect(window.lag?.max).toBeLessThan(51);
  expect(window.lag?.p50).toBeGreaterThanOrEqual(29);
  expect(window.lag?.p50).toBeLessThan(31);
  // An idempotent create answered again with the same event keeps the first intended start.
  recorder.eventCreated('e1', 900);
  expect(recorder.measurements.deliveryWindow({ start: 0, end: 1_000 }).received).toBe(2);
});

// Per-endpoint slot bookkeeping: caps per webhook and per tenant, and one slot for a failing endpoint.
import { expect, it } from 'vitest';
import { EndpointSlots } from '../../../reference-server/src/workers/endpoint-slots.js';

const caps = { perEndpoint: 2, perTenant: 3, failingAfter: 3 };

it('refuses a third attempt to one webhook and a fourth for one tenant, and frees slots on release', () => {
  const slots = new EndpointSlots(caps);
  const a1 = slots.take('wh_a', 't1');
  const a2 = slots.take('wh_a', 't1');
  expect(slots.take('wh_a', 't1')).toBeUndefined();
  const b1 = slots.take('wh_b', 't1');
  expect(b1).toBeDefined();
  expect(slots.take('wh_c', 't1')).toBeUndefined();
  expect(slots.take('wh_c', 't2')).toBeDefined();
  a1!(1_000);
  a1!(1_000); // idempotent
  expect(slots.inFlight('wh_a')).toBe(1);
  expect(slots.take('wh_a', 't1')).toBeDefined();
  void a2;
});

it('narrows an endpoint to one slot after consecutive unreachable attempts, until one is answered', () => {
  const slots = new EndpointSlots(caps);
  for (let i = 0; i < 3; i++) slots.record('wh_a', true);
  expect(slots.capOf('wh_a')).toBe(1);
  const probe = slots.take('wh_a', 't1');
  expect(slots.take('wh_a', 't1')).toBeUndefined();
  probe!(0);
  slots.record('wh_a', false);
  expect(slots.capOf('wh_a')).toBe(2);
  slots.record('wh_a', true);
  expect(slots.capOf('wh_a')).toBe(2);
});

it('tells an endpoint that frees slots from one whose slots are all held', () => {
  const slots = new EndpointSlots(caps);
  const held = slots.take('wh_hung', 't1');
  const busy = slots.take('wh_busy', 't2');
  busy!(5_000);
  expect(slots.movedWithin('wh_busy', 5_500, 1_000)).toBe(true);
  expect(slots.movedWithin('wh_busy', 6_500, 1_000)).toBe(false);
  expect(slots.movedWithin('wh_hung', 5_500, 1_000)).toBe(false);
  void held;
});

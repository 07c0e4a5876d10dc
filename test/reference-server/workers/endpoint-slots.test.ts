// Per-endpoint slot bookkeeping: caps per webhook and per tenant, and one slot for a failing endpoint.
import { expect, it } from 'vitest';
import { EndpointSlots } from '../../../reference-server/src/workers/endpoint-slots.js';

const caps = { perEndpoint: 2, perTenant: 3, failingAfter: 3 };

it('refuses a third attempt to one webhook and a fourth for one tenant, and frees slots on release', () => {
  const slots = new EndpointSlots(caps);
  const a1 = slots.take('wh_a', 't1', 0);
  const a2 = slots.take('wh_a', 't1', 0);
  expect(slots.take('wh_a', 't1', 0)).toBeUndefined();
  const b1 = slots.take('wh_b', 't1', 0);
  expect(b1).toBeDefined();
  expect(slots.take('wh_c', 't1', 0)).toBeUndefined();
  expect(slots.take('wh_c', 't2', 0)).toBeDefined();
  a1!(1_000);
  a1!(1_000); // idempotent
  expect(slots.inFlight('wh_a')).toBe(1);
  expect(slots.take('wh_a', 't1', 0)).toBeDefined();
  void a2;
});

it('narrows an endpoint to one slot after consecutive unreachable attempts, until one is answered', () => {
  const slots = new EndpointSlots(caps);
  for (let i = 0; i < 3; i++) slots.record('wh_a', true);
  expect(slots.capOf('wh_a')).toBe(1);
  const probe = slots.take('wh_a', 't1', 0);
  expect(slots.take('wh_a', 't1', 0)).toBeUndefined();
  probe!(0);
  slots.record('wh_a', false);
  expect(slots.capOf('wh_a')).toBe(2);
  slots.record('wh_a', true);
  expect(slots.capOf('wh_a')).toBe(2);
});

it('tells an endpoint that frees slots from one whose slots are all held', () => {
  const slots = new EndpointSlots(caps);
  const held = slots.take('wh_hung', 't1', 0);
  const busy = slots.take('wh_busy', 't2', 0);
  busy!(5_000);
  expect(slots.answeringWithin('wh_busy', 5_500, 1_000)).toBe(true);
  expect(slots.answeringWithin('wh_busy', 6_500, 1_000)).toBe(false);
  expect(slots.answeringWithin('wh_hung', 5_500, 1_000)).toBe(false);
  void held;
});

it('gives an endpoint whose attempts began within the window the benefit of the doubt, not one busy for longer', () => {
  const slots = new EndpointSlots(caps);
  // An idle endpoint's first burst fills its slots at 10_000: nothing can have come back yet.
  const first = slots.take('wh_a', 't1', 10_000);
  slots.take('wh_a', 't1', 10_200);
  expect(slots.take('wh_a', 't1', 10_300)).toBeUndefined();
  expect(slots.answeringWithin('wh_a', 10_900, 1_000)).toBe(true);
  // Still holding every slot a second after the run began, with none given back: it may hang.
  expect(slots.answeringWithin('wh_a', 11_100, 1_000)).toBe(false);
  // An answer frees a slot; the run of attempts in flight goes on, judged by that answer.
  first!(11_200);
  expect(slots.answeringWithin('wh_a', 12_100, 1_000)).toBe(true);
  expect(slots.answeringWithin('wh_a', 12_300, 1_000)).toBe(false);
  // Never busy, never answered: not known to answer.
  expect(slots.answeringWithin('wh_new', 0, 1_000)).toBe(false);
});

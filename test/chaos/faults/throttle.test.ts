// The rate window admits N calls per clock second and refuses the rest.
import { expect, it } from 'vitest';
import { RateWindow } from '../../../chaos/src/faults/throttle.js';

it('admits the allowed rate per second and refuses the rest', () => {
  const window = new RateWindow(2);
  expect([window.admit(1000), window.admit(1100), window.admit(1999)]).toEqual([true, true, false]);
  expect([window.admit(2000), window.admit(2001), window.admit(2002)]).toEqual([true, true, false]);
});

it('refuses everything at a rate of zero', () => {
  expect(new RateWindow(0).admit(0)).toBe(false);
});

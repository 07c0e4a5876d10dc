// When an event handed over the wake stream is trusted like one stored in this process: only if this
// process's lease hold began more than the clock-skew guard before the event's write began on the
// server (fan-out compares the hold's start with localStoredSince: trusted when it is earlier).
import { expect, it } from 'vitest';
import { localStoredSince, wallClockOf } from '../../../reference-server/src/workers/handed-over-stream.js';

// This process: wall clock 100 s and monotonic clock 50 s now; the hold began 10 s ago (mono 40 s).
const NOW_WALL = 100_000;
const NOW_MONO = 50_000;
const HOLD_START_MONO = 40_000;
const GUARD_MS = 2_500;
const trusted = (storedAtWall: number) => HOLD_START_MONO < localStoredSince(storedAtWall, GUARD_MS, NOW_WALL, NOW_MONO);

it('trusts an event whose write began more than the guard after the hold began', () => {
  expect(trusted(90_000 + GUARD_MS + 1)).toBe(true);
  expect(trusted(99_000)).toBe(true);
});

it('does not trust an event written within the guard of the hold start, or before it', () => {
  expect(trusted(90_000 + GUARD_MS)).toBe(false);
  expect(trusted(91_000)).toBe(false);
  expect(trusted(85_000)).toBe(false);
});

it('places a monotonic reading on the wall clock', () => {
  expect(wallClockOf(NOW_MONO - 1_234, NOW_WALL, NOW_MONO)).toBe(NOW_WALL - 1_234);
});

// The run's clock: `until(t)` returns once the clock has reached t, never a fraction of a millisecond
// before (a fault's heal stamped before its planned end would shade a window short and move recovery's origin).
import { expect, it } from 'vitest';
import { startRunClock } from '../../../scenarios/runner/run-clock.js';

it('returns from until(t) only once now() has reached t', async () => {
  const clock = startRunClock();
  const early: number[] = [];
  for (let i = 0; i < 60; i++) {
    const at = clock.now() + 1.5 + (i % 7) * 0.3;
    await clock.until(at);
    if (clock.now() < at) early.push(at - clock.now());
  }
  expect(early).toEqual([]);
});

it('returns at once when aborted', async () => {
  const clock = startRunClock();
  const abort = new AbortController();
  abort.abort();
  await clock.until(60_000, abort.signal);
  expect(clock.now()).toBeLessThan(1_000);
});

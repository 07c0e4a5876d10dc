// Durations past Node's 2^31 − 1 ms timer limit (about 24.8 days) hold for their full length in every
// toxic that waits, instead of firing after 1 ms. Fake timers reproduce Node's overflow, so the tests
// step through 35 simulated days at once.
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { createRandom } from '../../../../chaos/src/proxy/random.js';
import { latency } from '../../../../chaos/src/proxy/toxics/latency.js';
import { maxTimerDelayMs, setLongTimeout } from '../../../../chaos/src/proxy/toxics/long-timeout.js';
import { resetPeer } from '../../../../chaos/src/proxy/toxics/reset-peer.js';
import { slicer } from '../../../../chaos/src/proxy/toxics/slicer.js';
import { slowClose } from '../../../../chaos/src/proxy/toxics/slow-close.js';
import { timeout } from '../../../../chaos/src/proxy/toxics/timeout.js';
import type { ToxicType } from '../../../../chaos/src/proxy/toxics/toxic.js';

// 2,200,000,000 ms: just past the limit, where a plain setTimeout fires after 1 ms.
const long = 2_200_000_000;

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

/** Starts a stage on a fake clock and records what it passes on and whether it closed or reset. */
function start(type: ToxicType, attributes: Record<string, number>) {
  const seen = { out: [] as string[], closed: false, reset: false };
  const stage = type.start(attributes, {
    signal: new AbortController().signal,
    random: createRandom(1).derive('long'),
    now: () => Date.now(),
    state: {},
    closeConnection: () => (seen.closed = true),
    resetConnection: () => (seen.reset = true),
  });
  const feed = (text: string): Promise<void> =>
    stage.onData({ data: Buffer.from(text), arrivedAt: Date.now() }, async (chunk) => {
      seen.out.push(chunk.data.toString());
    });
  return { stage, seen, feed };
}

/** Advances the fake clock to just before `ms`, checks `held`, then past it. */
async function holdsUntil(ms: number, held: () => boolean): Promise<void> {
  await vi.advanceTimersByTimeAsync(maxTimerDelayMs);
  expect(held()).toBe(true);
  await vi.advanceTimersByTimeAsync(ms - maxTimerDelayMs - 1);
  expect(held()).toBe(true);
  await vi.advanceTimersByTimeAsync(2);
  expect(held()).toBe(false);
}

it('fires a long timeout once, after the full delay, and never after clear()', async () => {
  const fired: string[] = [];
  setLongTimeout(() => fired.push('kept'), 3_000_000_000);
  setLongTimeout(() => fired.push('cleared'), 3_000_000_000).clear();
  await holdsUntil(3_000_000_000, () => fired.length === 0);
  await vi.advanceTimersByTimeAsync(3_000_000_000);
  expect(fired).toEqual(['kept']);
});

it('latency of 3,000,000,000 ms holds a chunk for the full 34.7 days', async () => {
  const { seen, feed } = start(latency, { latency: 3_000_000_000, jitter: 0 });
  void feed('echo');
  await holdsUntil(3_000_000_000, () => seen.out.length === 0);
  expect(seen.out).toEqual(['echo']);
});

it('a timeout of 2,200,000,000 ms closes the connection only after it', async () => {
  const { seen } = start(timeout, { timeout: long });
  await holdsUntil(long, () => !seen.closed);
});

it('slow_close with a long delay holds the close for the full delay', async () => {
  const { stage } = start(slowClose, { delay: long });
  let ended = false;
  void stage.onEnd?.().then(() => (ended = true));
  await holdsUntil(long, () => !ended);
});

it('reset_peer with a long timeout resets only after it', async () => {
  const { seen, feed } = start(resetPeer, { timeout: long });
  void feed('first');
  await holdsUntil(long, () => !seen.reset);
});

it('slicer with a delay of 2.2e12 µs waits the full delay between pieces', async () => {
  const { seen, feed } = start(slicer, { average_size: 2, size_variation: 0, delay: long * 1000 });
  void feed('abcd');
  await vi.advanceTimersByTimeAsync(0);
  expect(seen.out).toEqual(['ab']);
  await holdsUntil(long, () => seen.out.length === 1);
  expect(seen.out).toEqual(['ab', 'cd']);
});

// Toxic stages in isolation (no sockets): seeded slicing and jitter repeat exactly, and stopping a
// stage releases what it holds instead of dropping it.
import { expect, it, vi } from 'vitest';
import { createRandom } from '../../../../chaos/src/proxy/random.js';
import { latency } from '../../../../chaos/src/proxy/toxics/latency.js';
import { slicer } from '../../../../chaos/src/proxy/toxics/slicer.js';
import { bandwidth } from '../../../../chaos/src/proxy/toxics/bandwidth.js';
import type { Chunk, StageContext, ToxicType } from '../../../../chaos/src/proxy/toxics/toxic.js';

function run(type: ToxicType, attributes: Record<string, number>, seed: number) {
  const controller = new AbortController();
  const context: StageContext = {
    signal: controller.signal,
    random: createRandom(seed).derive('stage'),
    now: () => performance.now(),
    state: {},
    closeConnection: () => {},
    resetConnection: () => {},
  };
  const out: Chunk[] = [];
  const stage = type.start(attributes, context);
  const feed = (data: Buffer) =>
    stage.onData({ data, arrivedAt: performance.now() }, async (c) => {
      out.push(c);
    });
  return { out, feed, stop: () => controller.abort() };
}

it('slices the same sizes for the same seed, different ones for another seed', async () => {
  const sizes = async (seed: number) => {
    const s = run(slicer, { average_size: 100, size_variation: 40, delay: 0 }, seed);
    await s.feed(Buffer.alloc(5000, 1));
    return s.out.map((c) => c.data.length);
  };
  const first = await sizes(11);
  expect(await sizes(11)).toEqual(first);
  expect(await sizes(12)).not.toEqual(first);
  expect(first.reduce((a, b) => a + b, 0)).toBe(5000);
  expect(first.slice(0, -1).every((n) => n >= 60 && n <= 140)).toBe(true);
});

it('draws the same jitter for the same seed: chunks are released in the same order', async () => {
  // On a fake clock every chunk arrives at the same instant and leaves exactly at 100 ms ± its seeded
  // jitter, so the order depends on the draws alone. (On real timers, two chunks due within a
  // millisecond of each other could swap when the machine was busy.)
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  try {
    const releaseOrder = async (seed: number) => {
      const s = run(latency, { latency: 100, jitter: 80 }, seed);
      const fed = Promise.all(Array.from({ length: 8 }, (_, i) => s.feed(Buffer.from([i]))));
      await vi.advanceTimersByTimeAsync(100);
      expect(s.out.length).toBeLessThan(8);
      await vi.advanceTimersByTimeAsync(80);
      await fed;
      return s.out.map((c) => c.data[0]);
    };
    const first = await releaseOrder(3);
    expect(await releaseOrder(3)).toEqual(first);
    expect(await releaseOrder(4)).not.toEqual(first);
    expect([...first].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  } finally {
    vi.useRealTimers();
  }
});

it('a stopped latency stage releases its chunk at once', async () => {
  const s = run(latency, { latency: 60_000 }, 1);
  const done = s.feed(Buffer.from('held'));
  s.stop();
  await done;
  expect(s.out.map((c) => c.data.toString())).toEqual(['held']);
});

it('a stopped bandwidth stage at rate 0 releases everything instead of stalling', async () => {
  const s = run(bandwidth, { rate: 0 }, 1);
  const done = s.feed(Buffer.alloc(1000));
  s.stop();
  await done;
  expect(s.out.reduce((n, c) => n + c.data.length, 0)).toBe(1000);
});

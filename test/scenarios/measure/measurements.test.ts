import { describe, expect, it } from 'vitest';
import { Measurements, secondsIn } from '../../../scenarios/measure/measurements.js';

const create = 'create_event';

describe('Measurements', () => {
  it('buckets each operation by its intended start, not by when it finished', () => {
    const m = new Measurements();
    m.recordOp({ op: create, intended: 900, end: 2500, ok: true, status: 201 });
    m.recordOp({ op: create, intended: 1100, end: 1150, ok: true, status: 201 });
    const buckets = m.opBuckets(create);
    expect(buckets.map((b) => [b.second, b.count])).toEqual([[0, 1], [1, 1]]);
    expect(buckets[0]?.latency?.max).toBeCloseTo(1600, 0);
    expect(buckets[1]?.latency?.max).toBeCloseTo(50, 0);
  });

  it('counts rate, success rate, statuses and dropped requests per bucket', () => {
    const m = new Measurements();
    for (let i = 0; i < 8; i++) m.recordOp({ op: create, intended: 3000 + i * 100, end: 3010 + i * 100, ok: true, status: 201 });
    m.recordOp({ op: create, intended: 3800, end: 3900, ok: false, status: 503 });
    m.recordOp({ op: create, intended: 3900, end: 3900, ok: false, dropped: true });
    const [bucket] = m.opBuckets(create);
    expect(bucket).toMatchObject({ second: 3, count: 10, ok: 8, failed: 1, dropped: 1, rate: 10, success_rate: 0.8 });
    expect(bucket?.statuses).toEqual({ '201': 8, '503': 1, dropped: 1 });
  });

  it('reports p50/p90/p99/max from the HDR histogram in milliseconds', () => {
    const m = new Measurements();
    for (let i = 1; i <= 100; i++) m.recordOp({ op: create, intended: 0, end: i, ok: true, status: 201 });
    const latency = m.opBuckets(create)[0]?.latency;
    expect(latency?.p50).toBeCloseTo(50, 1);
    expect(latency?.p90).toBeCloseTo(90, 1);
    expect(latency?.p99).toBeCloseTo(99, 1);
    expect(latency?.max).toBeCloseTo(100, 1);
  });

  it('has no latency and no success rate in a bucket where nothing completed', () => {
    const m = new Measurements();
    m.recordOp({ op: create, intended: 0, end: 0, ok: false, dropped: true });
    expect(m.opBuckets(create)[0]).toMatchObject({ success_rate: 0, latency: null });
    expect(m.opWindow(create, { start: 5000, end: 6000 })).toMatchObject({ count: 0, success_rate: null, latency: null });
  });

  it('merges a window exactly: counts add and percentiles come from the merged histogram', () => {
    const m = new Measurements();
    for (let i = 0; i < 99; i++) m.recordOp({ op: create, intended: 0, end: 10, ok: true, status: 201 });
    m.recordOp({ op: create, intended: 1000, end: 1900, ok: false, status: 500 });
    const window = m.opWindow(create, { start: 0, end: 2000 });
    expect(window).toMatchObject({ count: 100, ok: 99, rate: 50, success_rate: 0.99 });
    expect(window.latency?.p50).toBeCloseTo(10, 1);
    expect(window.latency?.max).toBeCloseTo(900, 0);
    expect(m.opWindow(create, { start: 1000, end: 2000 }).count).toBe(1);
  });

  it('measures delivery lag from the create’s intended start, by arrival bucket, accepted ones only', () => {
    const m = new Measurements();
    m.recordDelivery({ intended: 500, arrived: 1200, accepted: true });
    m.recordDelivery({ intended: 600, arrived: 1300, accepted: false });
    m.recordDelivery({ intended: 700, arrived: 2900, accepted: true });
    expect(m.deliveryBuckets()).toEqual([
      { second: 1, received: 2, accepted: 1, lag: { p50: 700, p90: 700, p99: 700, max: 700 } },
      { second: 2, received: 1, accepted: 1, lag: { p50: 2200, p90: 2200, p99: 2200, max: 2200 } },
    ]);
    expect(m.deliveryWindow({ start: 0, end: 3000 })).toMatchObject({ received: 3, accepted: 2, lag: { max: 2200 } });
  });

  it('keeps operations apart and lists them', () => {
    const m = new Measurements();
    m.recordOp({ op: 'read_event', intended: 0, end: 5, ok: true, status: 200 });
    m.recordOp({ op: create, intended: 0, end: 5, ok: false, status: 429 });
    expect(m.ops()).toEqual(['create_event', 'read_event']);
    expect(m.opWindow('read_event', { start: 0, end: 1000 }).success_rate).toBe(1);
    expect(m.opWindow(create, { start: 0, end: 1000 }).success_rate).toBe(0);
  });
});

describe('secondsIn', () => {
  it('holds the buckets whose start lies in the half-open window', () => {
    expect(secondsIn({ start: 0, end: 3000 })).toEqual([0, 1, 2]);
    expect(secondsIn({ start: 500, end: 3000 })).toEqual([1, 2]);
    expect(secondsIn({ start: 1000, end: 1000 })).toEqual([]);
  });
});

describe('measurements cut inside a second', () => {
  // Phases of 1.5 s, 2 s and 3 s: cuts at 1.5 s and 3.5 s; ten requests a second.
  const cut = (failing: (t: number) => boolean) => {
    const m = new Measurements([1500, 3500, 6500]);
    for (let t = 0; t < 6500; t += 100) m.recordOp({ op: 'create_event', intended: t, end: t + 5, ok: !failing(t), status: failing(t) ? 503 : 201 });
    return m;
  };

  it('judges a window from cut to cut on exactly its own outcomes, and its rate over its own length', () => {
    const m = cut((t) => t >= 1500 && t < 2000);
    expect(m.opWindow('create_event', { start: 0, end: 1500 })).toMatchObject({ count: 15, ok: 15, rate: 10 });
    expect(m.opWindow('create_event', { start: 1500, end: 3500 })).toMatchObject({ count: 20, ok: 15, success_rate: 0.75, rate: 10 });
    expect(m.secondsOf({ start: 1500, end: 3500 })).toBe(2);
    // Without the cuts, the same outcomes read from whole seconds: the fault reaches into 2–4 s.
    const whole = new Measurements();
    for (let t = 0; t < 6500; t += 100) whole.recordOp({ op: 'create_event', intended: t, end: t + 5, ok: !(t >= 1500 && t < 2000), status: 201 });
    expect(whole.opWindow('create_event', { start: 1500, end: 3500 })).toMatchObject({ count: 20, success_rate: 1 });
  });

  it('still reads per second with a second’s parts merged, and windows that are not cut round up as before', () => {
    const m = cut((t) => t >= 1500 && t < 2000);
    expect(m.opBuckets('create_event').map((b) => [b.second, b.count, b.ok])).toEqual([[0, 10, 10], [1, 10, 5], [2, 10, 10], [3, 10, 10], [4, 10, 10], [5, 10, 10], [6, 5, 5]]);
    expect(m.opWindow('create_event', { start: 1000, end: 2000 })).toMatchObject({ count: 10, ok: 5 });
    expect(m.opWindow('create_event', { start: 1200, end: 3000 })).toMatchObject({ count: 15, ok: 10 });
  });

  it('cuts deliveries the same way', () => {
    const m = new Measurements([1500]);
    for (const arrived of [1200, 1600, 1700]) m.recordDelivery({ intended: arrived - 50, arrived, accepted: true });
    expect(m.deliveryWindow({ start: 1500, end: 2000 }).accepted).toBe(2);
    expect(m.deliveryBuckets().map((b) => [b.second, b.accepted])).toEqual([[1, 3]]);
  });
});

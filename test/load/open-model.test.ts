// Open-model load: streams each outcome with its intended start, stops arriving on abort, and follows
// a rate that changes mid-run. Assertions are on the arrival schedule, never on wall-clock luck.
import { describe, expect, it } from 'vitest';
import { runOpenModel, type RequestOutcome } from '../../load/src/open-model.js';

const now = () => performance.now();
const ok = (operation: string) => () => Promise.resolve({ ok: true, status: 201, operation });

describe('runOpenModel', () => {
  it('tells onOutcome about every request with its operation, intended start and end', async () => {
    const heard: RequestOutcome[] = [];
    const result = await runOpenModel({ rate: 200, durationMs: 250, send: ok('create_event'), onOutcome: (o) => heard.push(o), now });
    expect(result.intended).toBe(50);
    expect(heard).toHaveLength(result.completed + result.failed);
    expect(heard.map((o) => o.i).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    for (const o of heard) {
      expect(o.operation).toBe('create_event');
      expect(o.endedAt).toBeGreaterThanOrEqual(o.intendedAt);
      expect(o.latencyMs).toBeCloseTo(o.endedAt - o.intendedAt, 6);
    }
  });

  it('tells onDrop about every arrival dropped for maxInFlight, with its intended start', async () => {
    const heard: number[] = [];
    const drops: { i: number; intendedAt: number }[] = [];
    const slow = () => new Promise<{ ok: boolean; status: number }>((r) => setTimeout(() => r({ ok: true, status: 201 }), 60));
    const result = await runOpenModel({ rate: 100, durationMs: 200, send: slow, maxInFlight: 1, onOutcome: (o) => heard.push(o.i), onDrop: (d) => drops.push(d), now });
    expect(result.dropped).toBeGreaterThan(0);
    expect(drops).toHaveLength(result.dropped);
    // Every arrival is either sent or dropped, once; a dropped one was due at its place in the schedule.
    expect([...heard, ...drops.map((d) => d.i)].sort((a, b) => a - b)).toEqual(Array.from({ length: result.intended }, (_, i) => i));
    const first = drops[0]!;
    const next = drops.find((d) => d.i === first.i + 1);
    if (next) expect(next.intendedAt - first.intendedAt).toBeCloseTo(10, 0);
  });

  it('stops new arrivals when the signal aborts and resolves once in-flight requests settle', async () => {
    const stop = new AbortController();
    let seen = 0;
    const result = await runOpenModel({
      rate: 100,
      durationMs: 60_000,
      send: ok('create_event'),
      onOutcome: () => {
        if (++seen === 10) stop.abort();
      },
      signal: stop.signal,
    });
    expect(result.aborted).toBe(true);
    expect(result.intended).toBeLessThan(6_000);
    expect(result.completed).toBe(result.intended);
  });

  it('reads a changing rate at each arrival: the gaps between intended starts follow it', async () => {
    const starts: number[] = [];
    await runOpenModel({
      rate: (elapsedMs) => (elapsedMs < 90 ? 50 : 500),
      durationMs: 200,
      send: ok('create_event'),
      onOutcome: (o) => starts.push(o.intendedAt),
      now,
    });
    starts.sort((a, b) => a - b);
    const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
    expect(gaps[0]).toBeCloseTo(20, 6);
    expect(gaps.at(-1)).toBeCloseTo(2, 6);
    expect(starts).toHaveLength(5 + 50);
  });

  it('sends nothing while the rate is 0 and resumes when it rises', async () => {
    const before = now();
    const starts: number[] = [];
    await runOpenModel({ rate: (elapsedMs) => (elapsedMs < 100 ? 0 : 1_000), durationMs: 150, send: ok('x'), onOutcome: (o) => starts.push(o.intendedAt), now });
    expect(starts.length).toBeGreaterThan(0);
    expect(Math.min(...starts) - before).toBeGreaterThanOrEqual(100);
  });

  it('reports how late requests started against their intended start', async () => {
    // Request 0 holds the event loop for 30 ms, so the arrivals due meanwhile start at least ~25 ms late.
    const send = (i: number) => {
      if (i === 0) for (const until = performance.now() + 30; performance.now() < until; );
      return Promise.resolve({ ok: true, status: 200 });
    };
    const result = await runOpenModel({ rate: 1_000, durationMs: 60, send });
    expect(result.schedulingErrorMs.max).toBeGreaterThanOrEqual(25);
    expect(result.schedulingErrorMs.p50).toBeLessThanOrEqual(result.schedulingErrorMs.p99);
  });

  it('above 1,000 arrivals/s (sub-millisecond waits) sends every arrival and still stops on abort', async () => {
    const all = await runOpenModel({ rate: 5_000, durationMs: 100, send: ok('x') });
    expect(all.intended).toBe(500);
    expect(all.completed).toBe(500);
    const stop = new AbortController();
    let seen = 0;
    const cut = await runOpenModel({
      rate: 5_000,
      durationMs: 60_000,
      send: ok('x'),
      onOutcome: () => {
        if (++seen === 100) stop.abort();
      },
      signal: stop.signal,
    });
    expect(cut.aborted).toBe(true);
    expect(cut.completed).toBe(cut.intended);
    expect(cut.intended).toBeLessThan(300_000);
  });
});

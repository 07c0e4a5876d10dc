// The settle coalescer: a lone put goes out at once (or after a gather time, when given one), puts made
// while a write is in flight share the next one, and a put that cannot be sent before its deadline is
// never sent.
import { describe, expect, it } from 'vitest';
import { DeliveryWriteCoalescer } from '../../../reference-server/src/store/delivery-write-coalescer.js';
import { waitFor } from '../../support/wait-for.js';

/** A writer whose calls the test finishes by hand. */
function manualWriter() {
  const calls: { items: readonly Record<string, unknown>[]; signal: AbortSignal; finish: (err?: unknown) => void }[] = [];
  const write = (items: readonly Record<string, unknown>[], signal: AbortSignal) =>
    new Promise<void>((resolve, reject) => calls.push({ items, signal, finish: (err) => (err ? reject(err) : resolve()) }));
  return { calls, write };
}

const nextTurn = () => new Promise((r) => setImmediate(r));
const item = (n: number) => ({ delivery_id: `dlv_${n}` });

describe('delivery write coalescer', () => {
  it('writes a lone put on the next turn and resolves true once it landed', async () => {
    const w = manualWriter();
    const c = new DeliveryWriteCoalescer({ write: w.write, now: () => 0 });
    const landed = c.put(item(1), 60_000);
    await nextTurn();
    expect(w.calls.map((call) => call.items)).toEqual([[item(1)]]);
    w.calls[0]!.finish();
    expect(await landed).toBe(true);
  });

  it('gathers puts made while a write is in flight into the next write', async () => {
    const w = manualWriter();
    const c = new DeliveryWriteCoalescer({ write: w.write, now: () => 0 });
    const first = c.put(item(1), 60_000);
    await nextTurn();
    const rest = [2, 3, 4].map((n) => c.put(item(n), 60_000));
    await nextTurn();
    expect(w.calls).toHaveLength(1);
    w.calls[0]!.finish();
    await first;
    await nextTurn();
    expect(w.calls.map((call) => call.items)).toEqual([[item(1)], [item(2), item(3), item(4)]]);
    w.calls[1]!.finish();
    expect(await Promise.all(rest)).toEqual([true, true, true]);
  });

  it('starts a second write while one is in flight only for a full batch of 25', async () => {
    const w = manualWriter();
    const c = new DeliveryWriteCoalescer({ write: w.write, now: () => 0 });
    void c.put(item(0), 60_000);
    await nextTurn();
    for (let n = 1; n <= 25; n++) void c.put(item(n), 60_000);
    await nextTurn();
    expect(w.calls.map((call) => call.items.length)).toEqual([1, 25]);
    for (const call of w.calls) call.finish();
  });

  it('never sends a put whose deadline passed while it waited, and resolves it false', async () => {
    const w = manualWriter();
    let now = 0;
    const c = new DeliveryWriteCoalescer({ write: w.write, now: () => now });
    void c.put(item(1), 60_000);
    await nextTurn();
    const late = c.put(item(2), 1_000);
    const onTime = c.put(item(3), 60_000);
    now = 1_000;
    w.calls[0]!.finish();
    expect(await late).toBe(false);
    await nextTurn();
    expect(w.calls.map((call) => call.items)).toEqual([[item(1)], [item(3)]]);
    w.calls[1]!.finish();
    expect(await onTime).toBe(true);
  });

  it('bounds each write by the earliest deadline in it: the writer is told to stop sending then', async () => {
    const w = manualWriter();
    const c = new DeliveryWriteCoalescer({ write: w.write, now: () => 0 });
    void c.put(item(1), 1);
    await nextTurn();
    await new Promise<void>((resolve) => (w.calls[0]!.signal.aborted ? resolve() : w.calls[0]!.signal.addEventListener('abort', () => resolve())));
    expect(w.calls[0]!.signal.aborted).toBe(true);
    w.calls[0]!.finish();
  });

  it('resolves every put of a failed write false, so each falls back to a conditional settle', async () => {
    const w = manualWriter();
    const errors: unknown[] = [];
    const c = new DeliveryWriteCoalescer({ write: w.write, now: () => 0, onError: (err) => errors.push(err) });
    const puts = [c.put(item(1), 60_000), c.put(item(2), 60_000)];
    await nextTurn();
    w.calls[0]!.finish(new Error('ProvisionedThroughputExceededException'));
    expect(await Promise.all(puts)).toEqual([false, false]);
    expect(errors).toHaveLength(1);
  });

  describe('with a gather time', () => {
    it('holds a lone put for the gather time so puts finishing soon after share its write', async () => {
      const w = manualWriter();
      const c = new DeliveryWriteCoalescer({ write: w.write, now: () => 0, gatherMs: 40 });
      const puts = [c.put(item(1), 60_000)];
      await nextTurn();
      expect(w.calls).toHaveLength(0);
      puts.push(c.put(item(2), 60_000));
      await waitFor(() => w.calls.length === 1, { timeoutMs: 5_000, intervalMs: 5, message: 'the gathered write' });
      expect(w.calls[0]!.items).toEqual([item(1), item(2)]);
      w.calls[0]!.finish();
      expect(await Promise.all(puts)).toEqual([true, true]);
    });

    it('sends a full batch at once instead of waiting out the gather time', async () => {
      const w = manualWriter();
      const c = new DeliveryWriteCoalescer({ write: w.write, now: () => 0, gatherMs: 60_000 });
      for (let n = 1; n <= 25; n++) void c.put(item(n), 120_000_000);
      await nextTurn();
      expect(w.calls.map((call) => call.items.length)).toEqual([25]);
      w.calls[0]!.finish();
    });

    it('sends puts that waited behind a write as soon as it is over, without a further gather', async () => {
      const w = manualWriter();
      const c = new DeliveryWriteCoalescer({ write: w.write, now: () => 0, gatherMs: 60_000 });
      for (let n = 1; n <= 25; n++) void c.put(item(n), 120_000_000);
      await nextTurn();
      const behind = c.put(item(26), 120_000_000);
      w.calls[0]!.finish();
      await nextTurn();
      await nextTurn();
      expect(w.calls.map((call) => call.items)).toEqual([Array.from({ length: 25 }, (_, i) => item(i + 1)), [item(26)]]);
      w.calls[1]!.finish();
      expect(await behind).toBe(true);
    });

    it('does not hold back a put whose deadline is within a few gather times', async () => {
      const w = manualWriter();
      const c = new DeliveryWriteCoalescer({ write: w.write, now: () => 0, gatherMs: 60_000 });
      const near = c.put(item(1), 200_000);
      await nextTurn();
      expect(w.calls.map((call) => call.items)).toEqual([[item(1)]]);
      w.calls[0]!.finish();
      expect(await near).toBe(true);
    });
  });
});

// The outbox remover: removals of several passes share one call, a full call's worth goes out without
// waiting, another write can take waiting removals along, and a caller hears back only once its rows
// are gone (or the call failed).
import { describe, expect, it } from 'vitest';
import { OutboxRemover } from '../../../reference-server/src/store/outbox-remover.js';
import { waitFor } from '../../support/wait-for.js';

/** A remover whose calls the test finishes by hand. */
function manualRemover() {
  const calls: { ids: readonly string[]; finish: (err?: unknown) => void }[] = [];
  const remove = (ids: readonly string[]) => new Promise<void>((resolve, reject) => calls.push({ ids, finish: (err) => (err ? reject(err) : resolve()) }));
  return { calls, remove };
}

const ids = (from: number, count: number) => Array.from({ length: count }, (_, i) => `evt_${from + i}`);
/** Whether `p` has settled by the next turn of the event loop. */
const settled = async (p: Promise<unknown>) => {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  await new Promise((r) => setImmediate(r));
  return done;
};

describe('outbox remover', () => {
  it('sends removals made within the gather time in one call, and resolves each once that call landed', async () => {
    const r = manualRemover();
    const remover = new OutboxRemover(r.remove, 10);
    const first = remover.removeSoon(ids(1, 2));
    const second = remover.removeSoon(ids(3, 1));
    await waitFor(() => r.calls.length === 1, { message: 'one call after the gather time' });
    expect(r.calls[0]!.ids).toEqual(['evt_1', 'evt_2', 'evt_3']);
    expect(await settled(first)).toBe(false);
    r.calls[0]!.finish();
    await Promise.all([first, second]);
    expect(r.calls).toHaveLength(1);
  });

  it('sends a full call’s worth at once, without waiting out the gather time', async () => {
    const r = manualRemover();
    const remover = new OutboxRemover(r.remove, 60_000);
    const few = remover.removeSoon(ids(1, 5));
    expect(r.calls).toHaveLength(0);
    const many = remover.removeSoon(ids(6, 20));
    expect(r.calls.map((c) => c.ids.length)).toEqual([25]);
    r.calls[0]!.finish();
    await Promise.all([few, many]);
  });

  it('rejects every removal of a failed call, and removes later ones as usual', async () => {
    const r = manualRemover();
    const remover = new OutboxRemover(r.remove, 60_000);
    const a = remover.removeSoon(ids(1, 1));
    const b = remover.removeSoon(ids(2, 1));
    remover.flush();
    r.calls[0]!.finish(new Error('ThrottlingException'));
    await expect(a).rejects.toThrow('ThrottlingException');
    await expect(b).rejects.toThrow('ThrottlingException');
    const c = remover.removeSoon(ids(3, 1));
    remover.flush();
    expect(r.calls[1]!.ids).toEqual(['evt_3']);
    r.calls[1]!.finish();
    await c;
  });

  it('flush sends what waits at once; with nothing waiting it sends nothing', async () => {
    const r = manualRemover();
    const remover = new OutboxRemover(r.remove, 60_000);
    remover.flush();
    expect(r.calls).toHaveLength(0);
    const a = remover.removeSoon(ids(1, 3));
    remover.flush();
    expect(r.calls.map((c) => c.ids)).toEqual([ids(1, 3)]);
    r.calls[0]!.finish();
    await a;
    await expect(remover.removeSoon([])).resolves.toBeUndefined();
    expect(r.calls).toHaveLength(1);
  });

  it('hands whole waiting removals that fit to another write, which settles them; the rest wait as before', async () => {
    const r = manualRemover();
    const remover = new OutboxRemover(r.remove, 60_000);
    const a = remover.removeSoon(ids(1, 2));
    const b = remover.removeSoon(ids(3, 3));
    const c = remover.removeSoon(ids(6, 1));
    // Room for 4: all of the first removal fits, the second does not, so the third waits behind it.
    const taken = remover.takeUpTo(4)!;
    expect(taken.ids).toEqual(ids(1, 2));
    expect(await settled(a)).toBe(false);
    taken.settle();
    await a;
    expect(await settled(b)).toBe(false);
    remover.flush();
    expect(r.calls.map((call) => call.ids)).toEqual([[...ids(3, 3), ...ids(6, 1)]]);
    r.calls[0]!.finish();
    await Promise.all([b, c]);
  });

  it('rejects the removals a failed write took along, and stops their own call once none wait', async () => {
    const r = manualRemover();
    const remover = new OutboxRemover(r.remove, 20);
    const a = remover.removeSoon(ids(1, 1));
    expect(remover.takeUpTo(0)).toBeUndefined();
    const taken = remover.takeUpTo(24)!;
    taken.settle(new Error('ThrottlingException'));
    await expect(a).rejects.toThrow('ThrottlingException');
    // A later removal still goes out on its own once its gather time is up.
    const b = remover.removeSoon(ids(2, 1));
    await waitFor(() => r.calls.length === 1, { message: 'the later removal sent' });
    expect(r.calls[0]!.ids).toEqual(['evt_2']);
    r.calls[0]!.finish();
    await b;
  });
});

import { describe, expect, it } from 'vitest';
import { noLostEvents } from '../../../scenarios/checkers/no-lost-events.js';
import { create, final, history, readable } from './histories.js';

describe('no_lost_events', () => {
  it('holds when every acknowledged create is readable at the end', () => {
    const h = history(create(0, 100, 'ok', { event_id: 'e1' }), create(1, 150, 'ok', { event_id: 'e2' }), final({ e1: readable(), e2: readable() }));
    expect(noLostEvents(h)).toMatchObject({ name: 'no_lost_events', valid: true, counts: { ok: 2, lost: 0 }, examples: [] });
  });

  it('fails on an acknowledged create that is missing or unreadable, with the event and its times', () => {
    const h = history(
      create(0, 100, 'ok', { event_id: 'e1' }),
      create(1, 150, 'ok', { event_id: 'e2' }),
      create(2, 200, 'ok', { event_id: 'e3' }),
      final({ e1: readable(), e3: readable(undefined, { readable: false }) }),
    );
    const result = noLostEvents(h);
    expect(result).toMatchObject({ valid: false, counts: { ok: 3, lost: 2 } });
    expect(result.examples).toEqual([
      { event_id: 'e2', times: [150, 170], expected: 'readable at the final read-back (the create was acknowledged)', seen: 'missing from the read-back' },
      { event_id: 'e3', times: [200, 220], expected: 'readable at the final read-back (the create was acknowledged)', seen: 'not readable' },
    ]);
  });

  it('accepts an unknown-outcome (info) create either way, resolving it by idempotency key', () => {
    const h = history(
      create(0, 100, 'info', { key: 'took-effect' }),
      create(1, 150, 'info', { key: 'did-not' }),
      create(2, 200, 'pending', { key: 'never-answered' }),
      final({ e9: readable('took-effect') }),
    );
    expect(noLostEvents(h)).toMatchObject({ valid: true, counts: { info: 2, pending: 1, info_present: 1, info_absent: 2, lost: 0 } });
  });

  it('shows a failed create that exists anyway without calling it loss', () => {
    const h = history(create(0, 100, 'fail', { key: 'k', status: 500 }), final({ e1: readable('k') }));
    const result = noLostEvents(h);
    expect(result).toMatchObject({ valid: true, counts: { failed: 1, unexpected: 1 } });
    expect(result.examples[0]).toMatchObject({ event_id: 'e1', seen: 'readable (status 500)' });
  });

  it('finds one of two creates with different keys lost when both were answered with one event', () => {
    const expected = 'readable at the final read-back (the create was acknowledged)';
    const twoKeys = [create(0, 100, 'ok', { event_id: 'e1', key: 'a' }), create(1, 150, 'ok', { event_id: 'e1', key: 'b' })];
    // The read-back names the event's key: the other create is the lost one, whichever came first.
    const shownB = noLostEvents(history(...twoKeys, final({ e1: readable('b') })));
    expect(shownB).toMatchObject({ valid: false, counts: { ok: 2, lost: 1 } });
    expect(shownB.examples).toEqual([
      { event_id: 'e1', times: [100, 120], expected, seen: "answered with event e1, which is the create b's: this create's event was never stored" },
    ]);
    // Without a key in the read-back, the event is the first create's.
    const unshown = noLostEvents(history(...twoKeys, final({ e1: readable() })));
    expect(unshown).toMatchObject({ valid: false, counts: { ok: 2, lost: 1 } });
    expect(unshown.examples[0]).toMatchObject({ times: [150, 170], seen: "answered with event e1, which is the create a's: this create's event was never stored" });
    // One key answered twice with one event is an idempotent repeat, not a loss.
    const repeat = history(create(0, 100, 'ok', { event_id: 'e1', key: 'a' }), create(1, 150, 'ok', { event_id: 'e1', key: 'a' }), final({ e1: readable('a') }));
    expect(noLostEvents(repeat)).toMatchObject({ valid: true, counts: { ok: 2, lost: 0 } });
  });

  it('cannot vouch for anything without a final read-back', () => {
    expect(noLostEvents(create(0, 100, 'ok', { event_id: 'e1' }))).toMatchObject({ valid: false, counts: { no_final_read: 1 } });
  });

  it('keeps at most five examples while counting every loss', () => {
    const h = history(...Array.from({ length: 8 }, (_, i) => create(i, i * 10, 'ok', { event_id: `e${i}` })), final({}));
    const result = noLostEvents(h);
    expect(result.counts.lost).toBe(8);
    expect(result.examples).toHaveLength(5);
  });
});

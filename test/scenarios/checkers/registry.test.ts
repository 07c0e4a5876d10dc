import { describe, expect, it } from 'vitest';
import { CHECKER_NAMES, CHECKERS, isCheckerName, runCheckers } from '../../../scenarios/checkers/registry.js';
import { create, final, history, readable, receipt } from './histories.js';

describe('the checker registry', () => {
  it('names every checker, each reporting under its own name', () => {
    const h = history(create(0, 100, 'ok', { event_id: 'e1' }), receipt('d1', 'e1', 400), final({ e1: readable() }));
    for (const name of CHECKER_NAMES) expect(CHECKERS[name](h).name).toBe(name);
    expect(isCheckerName('no_lost_events')).toBe(true);
    expect(isCheckerName('no_lost_event')).toBe(false);
  });

  it('runs the chosen checkers in the order given', () => {
    const h = history(create(0, 100, 'ok', { event_id: 'e1' }), final({ e1: readable() }));
    expect(runCheckers(['same_id_on_retry', 'no_lost_events', 'deliveries_complete'], h).map((r) => [r.name, r.valid])).toEqual([
      ['same_id_on_retry', true],
      ['no_lost_events', true],
      ['deliveries_complete', false],
    ]);
  });
});

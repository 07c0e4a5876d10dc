// The chart markers from the journal: phase starts, and each probe's recovery moment, counted from the
// last heal, or from the recovery phase's start when no fault was healed (as the recovery gate counts).
import { expect, it } from 'vitest';
import { runMarkers } from '../../../scenarios/report/fault-windows.js';
import type { Journal } from '../../../scenarios/runner/journal.js';

const phases = { baseline: { start: 0, end: 1000 }, fault: { start: 1000, end: 2000 }, recovery: { start: 2000, end: 5000 } } as Journal['phases'];
const recoveries = (journal: Pick<Journal, 'phases' | 'last_heal' | 'recovery'>) => runMarkers(journal).filter((m) => m.kind === 'recovery');

it('marks a recovery at the last heal plus its recovery time', () => {
  expect(recoveries({ phases, last_heal: 1800, recovery: [{ probe: 'ingest ok', recovery_ms: 700 }, { probe: 'delivery lag', recovery_ms: null }] })).toEqual([
    { at: 2.5, label: 'ingest ok recovered: 700ms', kind: 'recovery' },
  ]);
});

it('with no fault healed, marks where the probe held counting from the recovery phase, and says no fault was healed', () => {
  expect(recoveries({ phases, last_heal: null, recovery: [{ probe: 'ingest ok', recovery_ms: 0 }, { probe: 'delivery lag', recovery_ms: 1500 }] })).toEqual([
    { at: 2, label: 'ingest ok held 0ms into recovery (no fault healed)', kind: 'recovery' },
    { at: 3.5, label: 'delivery lag held 1.50s into recovery (no fault healed)', kind: 'recovery' },
  ]);
});

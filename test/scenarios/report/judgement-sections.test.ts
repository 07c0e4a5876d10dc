// The report's gates table and recovery list: a gate the run stopped before judging reads "not judged"
// with the reason, never FAIL or "never recovered"; a recovery measured when nothing was healed says it
// counts from the recovery phase's start, as the gate's detail does.
import { describe, expect, it } from 'vitest';
import { gatesSection } from '../../../scenarios/report/judgement-sections.js';
import type { Journal } from '../../../scenarios/runner/journal.js';
import { verdictSection } from '../../../scenarios/report/verdict-section.js';

const notJudged = 'not judged (the run stopped at 4.892s, before its last heal at 4.902s in the rollback)';

/** The text of the element rows, tags stripped. */
function text(html: string): string {
  return html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').replace(/&quot;/g, '"').replace(/&#39;/g, "'");
}

describe('gatesSection', () => {
  it('shows a gate the run stopped before judging as not judged, with why, and its recovery as not judged', () => {
    const html = gatesSection({
      gates: [
        { name: 'fault: success_rate', kind: 'phase', measured: 1, tolerance: '>= 0.95', passed: true, detail: 'phase fault: … over 2s–4.892s was 1 (the run stopped at 4.892s)' },
        { name: 'recovery_time: ingest ok', kind: 'recovery_time', measured: null, tolerance: '<= 5s', passed: false, judged: false, detail: notJudged },
      ],
      recovery: [{ probe: 'ingest ok', recovery_ms: null, judged: false }],
      last_heal: 4902,
    });
    expect(html).toContain('<td class="muted">not judged</td>');
    expect(html).not.toContain('FAIL');
    expect(html).not.toContain('never recovered');
    expect(text(html)).toContain(`ingest ok : ${notJudged}`);
  });

  it('says a recovery is measured from the recovery phase start when no fault was healed', () => {
    const html = gatesSection({
      gates: [{ name: 'recovery_time: ingest ok', kind: 'recovery_time', measured: 0, tolerance: '<= 1s', passed: true, detail: '' }],
      recovery: [{ probe: 'ingest ok', recovery_ms: 0 }],
      last_heal: null,
    });
    expect(text(html)).toContain("ingest ok : recovered 0ms after the recovery phase's start (no fault was healed)");
    expect(html).not.toContain('after the last heal');
    const healed = gatesSection({ gates: [], recovery: [{ probe: 'ingest ok', recovery_ms: 1200 }], last_heal: 5000 });
    expect(text(healed)).toContain('ingest ok : recovered 1.20s after the last heal');
  });
});

describe('verdictSection', () => {
  it('counts only the gates that were judged and failed, and says how many were not judged', () => {
    const gate = { kind: 'phase' as const, measured: null, tolerance: '== 0', passed: false, detail: '' };
    const journal = {
      title: 'Gates that cannot hold',
      status: 'aborted',
      deviated: false,
      seed: 1,
      duration_ms: 3035,
      run_id: 'r',
      started_at: '',
      target: { kind: 'embedded', base_url: '' },
      replay: '',
      errors: [],
      activities: [],
      steady_states: { before: [], during: [], after: [] },
      load: { intended: 40, dropped: 0, ops: {} },
      scenario: {},
      gates: [{ ...gate, name: 'baseline' }, ...Array.from({ length: 9 }, (_, i) => ({ ...gate, name: `g${i}`, judged: false as const }))],
    } as unknown as Journal;
    expect(text(verdictSection(journal))).toContain('1 of 10 gates failed, 9 not judged');
    const none = { ...journal, gates: journal.gates.slice(1) };
    expect(text(verdictSection(none))).toContain('0 of 9 gates failed, 9 not judged');
  });
});

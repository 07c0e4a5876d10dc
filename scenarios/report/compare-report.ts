// Two runs side by side (typically one scenario before and after a change): verdicts, a table of
// every gate, recovery time and checker in both, and each chart of run A beside the same chart of B.
import type { Journal } from '../runner/journal.js';
import { esc, fmtMeasured, fmtMs } from './html.js';
import { chartPanel, page } from './render-report.js';
import { runCharts } from './run-charts.js';
import { verdictOf } from './verdict-section.js';
import type { LoadedRun } from './write-report.js';

function banner(label: string, journal: Journal): string {
  const { word, css } = verdictOf(journal);
  return `<div class="verdict ${css}" data-verdict="${esc(word)}"><span class="word">${label} ${esc(word)}</span><span class="facts"><span>${esc(journal.title)}</span><span>seed ${journal.seed}</span><span>${esc(journal.run_id)}</span><span>${fmtMs(journal.duration_ms)}</span></span></div>`;
}

/** A verdict's cell: green, red, or grey for one a stopped run never judged (no failure). */
function cell(passed: boolean | undefined, text: string, judged = true): string {
  if (passed === undefined) return '<td class="muted">—</td>';
  return `<td class="${judged ? (passed ? 'ok' : 'bad') : 'muted'}">${esc(text)}</td>`;
}

/** One row per gate, recovery reading and checker that either run has. */
export function comparisonTable(a: Journal, b: Journal): string {
  const rows: string[] = [];
  const gateNames = [...new Set([...a.gates, ...b.gates].map((g) => g.name))];
  for (const name of gateNames) {
    const [ga, gb] = [a.gates.find((g) => g.name === name), b.gates.find((g) => g.name === name)];
    const text = (g: typeof ga) => (g ? (g.judged === false ? 'not judged' : `${g.passed ? 'pass' : 'FAIL'} · ${fmtMeasured(g.measured, g.tolerance)}`) : '');
    rows.push(`<tr><td>gate</td><td>${esc(name)}</td><td><code>${esc((ga ?? gb)!.tolerance)}</code></td>${cell(ga?.passed, text(ga), ga?.judged !== false)}${cell(gb?.passed, text(gb), gb?.judged !== false)}</tr>`);
  }
  const probes = [...new Set([...a.recovery, ...b.recovery].map((r) => r.probe))];
  for (const probe of probes) {
    const [ra, rb] = [a.recovery.find((r) => r.probe === probe), b.recovery.find((r) => r.probe === probe)];
    const text = (r: typeof ra) => (r ? (r.judged === false ? 'not judged' : r.recovery_ms === null ? 'never' : fmtMs(r.recovery_ms)) : '');
    rows.push(`<tr><td>recovery</td><td>${esc(probe)}</td><td></td>${cell(ra && ra.recovery_ms !== null, text(ra), ra?.judged !== false)}${cell(rb && rb.recovery_ms !== null, text(rb), rb?.judged !== false)}</tr>`);
  }
  const checkers = [...new Set([...a.checkers, ...b.checkers].map((c) => c.name))];
  for (const name of checkers) {
    const [ca, cb] = [a.checkers.find((c) => c.name === name), b.checkers.find((c) => c.name === name)];
    const text = (c: typeof ca) => (c ? `${c.valid ? 'valid' : 'INVALID'} · ${Object.entries(c.counts).map(([k, v]) => `${k}=${v}`).join(' ')}` : '');
    rows.push(`<tr><td>checker</td><td>${esc(name)}</td><td></td>${cell(ca?.valid, text(ca))}${cell(cb?.valid, text(cb))}</tr>`);
  }
  return `<table class="comparison"><thead><tr><th></th><th>name</th><th>tolerance</th><th>A</th><th>B</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/**
 * The comparison page. Runs of different scenarios can be compared too; the page says so.
 * @example await writeFile('compare.html', renderComparison(await loadRun(a), await loadRun(b)));
 */
export function renderComparison(a: LoadedRun, b: LoadedRun): string {
  const chartsA = runCharts(a.journal, a.history, 'a-');
  const chartsB = runCharts(b.journal, b.history, 'b-');
  const sameScenario = a.journal.title === b.journal.title;
  const panels = chartsA.map((spec, i) => chartPanel({ ...spec, title: `A · ${spec.title}` }) + (chartsB[i] ? chartPanel({ ...chartsB[i], title: `B · ${chartsB[i].title}` }) : '<section></section>'));
  const body = [
    `<header class="compare"><h1>Comparing two runs</h1>${banner('A', a.journal)}<p class="meta">A: ${esc(a.dir)}</p>${banner('B', b.journal)}<p class="meta">B: ${esc(b.dir)}</p>`,
    sameScenario ? '' : '<p class="bad">These runs are of different scenarios; the numbers may not be comparable.</p>',
    '</header>',
    `<h2>Side by side</h2>${comparisonTable(a.journal, b.journal)}`,
    `<h2>Over time</h2><div class="compare"><div class="charts">${panels.join('')}</div></div>`,
  ].join('\n');
  return page(`A ${verdictOf(a.journal).word} vs B ${verdictOf(b.journal).word} · ${a.journal.title}`, body, [...chartsA, ...chartsB]);
}

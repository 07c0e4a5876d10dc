// The judgement tables: every gate with what was measured against its tolerance, each probe's
// recovery time, and each checker's findings with example operations to go and look at.
import type { CheckerExample, CheckerResult } from '../checkers/checker.js';
import type { Journal } from '../runner/journal.js';
import { esc, fmtMeasured, fmtMs } from './html.js';
import type { InjectionRow } from './injections.js';

/** A gate's result cell: pass, FAIL, or not judged (the run stopped before it could judge the gate). */
function resultCell(g: Journal['gates'][number]): string {
  if (g.judged === false) return '<td class="muted">not judged</td>';
  return `<td class="${g.passed ? 'ok' : 'bad'}">${g.passed ? 'pass' : 'FAIL'}</td>`;
}

/** One probe's recovery, in words; measured from the last heal, or from the recovery phase's start when nothing was healed. */
function recoveryItem(r: Journal['recovery'][number], gates: Journal['gates'], lastHeal: number | null): string {
  if (r.judged === false) {
    const gate = gates.find((g) => g.kind === 'recovery_time' && g.name === `recovery_time: ${r.probe}` && g.judged === false);
    return `<span class="muted">${esc(gate?.detail ?? 'not judged (the run stopped early)')}</span>`;
  }
  if (r.recovery_ms === null) return '<span class="bad">never recovered</span>';
  return `recovered ${esc(fmtMs(r.recovery_ms))} ${lastHeal === null ? "after the recovery phase's start (no fault was healed)" : 'after the last heal'}`;
}

/** The gates table: name, kind, measured, tolerance, pass/fail (or not judged), and the one-line detail. */
export function gatesSection(journal: Pick<Journal, 'gates' | 'recovery' | 'last_heal'>): string {
  const rows = journal.gates.map(
    (g) => `<tr data-gate="${esc(g.name)}"><td>${esc(g.name)}</td><td>${esc(g.kind)}</td><td>${esc(fmtMeasured(g.measured, g.tolerance))}</td><td><code>${esc(g.tolerance)}</code></td>${resultCell(g)}<td>${esc(g.detail)}</td></tr>`,
  );
  const recovery = journal.recovery.map((r) => `<li><strong>${esc(r.probe)}</strong>: ${recoveryItem(r, journal.gates, journal.last_heal)}</li>`);
  return `<h2>Gates</h2><table><thead><tr><th>gate</th><th>kind</th><th>measured</th><th>tolerance</th><th>result</th><th>detail</th></tr></thead><tbody>${rows.join('')}</tbody></table>
${recovery.length > 0 ? `<h3>Recovery time${journal.last_heal === null ? '' : ` (last heal at ${esc(fmtMs(journal.last_heal))})`}</h3><ul>${recovery.join('')}</ul>` : ''}`;
}

function exampleRow(e: CheckerExample): string {
  const ids = [e.event_id && `event ${e.event_id}`, e.delivery_id && `delivery ${e.delivery_id}`, e.webhook_id && `webhook ${e.webhook_id}`].filter((id): id is string => Boolean(id));
  const times = (e.times ?? []).map((t) => fmtMs(t)).join(' → ');
  return `<tr class="example"><td><code>${ids.length > 0 ? ids.map(esc).join('<br>') : '—'}</code></td><td>${esc(times || '—')}</td><td>${esc(e.expected)}</td><td>${esc(e.seen)}</td></tr>`;
}

function checkerBlock(c: CheckerResult): string {
  const counts = Object.entries(c.counts).map(([k, v]) => `${esc(k)}=${v}`).join(' · ');
  const examples = c.examples.length === 0 ? '' : `<table><thead><tr><th>ids</th><th>times</th><th>expected</th><th>seen</th></tr></thead><tbody>${c.examples.map(exampleRow).join('')}</tbody></table>`;
  return `<div class="checker" data-checker="${esc(c.name)}"><h3><span class="${c.valid ? 'ok' : 'bad'}">${c.valid ? '✓' : '✗'}</span> ${esc(c.name)}</h3><p class="muted">${counts || 'no counts'}</p>${examples}</div>`;
}

/** Each checker: valid or not, its counts, and its examples (event id, times, expected, seen). */
export function checkersSection(checkers: readonly CheckerResult[]): string {
  if (checkers.length === 0) return '<h2>Checkers</h2><p class="muted">No checker ran (the run stopped before judging the history).</p>';
  return `<h2>Checkers</h2>${checkers.map(checkerBlock).join('')}`;
}

/** Each method step with how often it bit. */
export function injectionsSection(rows: readonly InjectionRow[]): string {
  if (rows.length === 0) return '<h2>Injections</h2><p class="muted">The method had no steps.</p>';
  const body = rows.map(
    (r) => `<tr><td>${esc(r.name)}</td><td><code>${esc(r.kind)}</code></td><td>${esc(r.status)}</td><td>${esc(fmtMs(r.started))} → ${esc(fmtMs(r.healed))}</td><td data-count>${r.count === null ? '—' : r.count}</td><td class="muted">${esc(r.unit)}</td></tr>`,
  );
  return `<h2>Injections per rule</h2><table><thead><tr><th>step</th><th>kind</th><th>status</th><th>window</th><th>count</th><th>of</th></tr></thead><tbody>${body.join('')}</tbody></table>`;
}

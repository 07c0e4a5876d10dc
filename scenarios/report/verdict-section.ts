// The top of the report: the verdict a person came for, the facts of the run (seed, duration, load),
// the exact replay command, problems the run met, and the steady state before, during and after.
import { deviationCauses } from '../runner/deviation.js';
import type { Journal, ProbeReading } from '../runner/journal.js';
import { esc, fmtMeasured, fmtMs, fmtPct } from './html.js';

/** `PASS`, `FAIL`, or the way the run stopped, with the banner's CSS class. */
export function verdictOf(journal: Pick<Journal, 'status'>): { word: string; css: string } {
  if (journal.status === 'completed') return { word: 'PASS', css: 'pass' };
  if (journal.status === 'failed') return { word: 'FAIL', css: 'fail' };
  return { word: journal.status.toUpperCase(), css: 'stopped' };
}

/** The verdict banner with the run's key facts. */
export function verdictSection(journal: Journal): string {
  const { word, css } = verdictOf(journal);
  // A gate the run stopped before judging (judged: false) is not a failure, nor did it hold.
  const failed = journal.gates.filter((g) => !g.passed && g.judged !== false).length;
  const unjudged = journal.gates.filter((g) => g.judged === false).length;
  const ops = Object.values(journal.load.ops);
  const ok = ops.reduce((n, o) => n + o.ok, 0);
  const count = ops.reduce((n, o) => n + o.count, 0);
  return `<header>
<h1>${esc(journal.title)}</h1>
<div class="verdict ${css}" data-verdict="${esc(word)}"><span class="word">${esc(word)}</span><span class="facts">
<span>${failed === 0 && unjudged === 0 ? `all ${journal.gates.length} gates held` : `${failed} of ${journal.gates.length} gates failed${unjudged > 0 ? `, ${unjudged} not judged` : ''}`}</span>
<span>${journal.deviated ? `deviated: ${esc(deviationCauses(journal).join('; '))}` : 'steady state held before and after'}</span>
<span>seed ${journal.seed}</span><span>${fmtMs(journal.duration_ms)}</span>
<span>${count} requests, ${fmtPct(count === 0 ? null : ok / count)} ok, ${journal.load.dropped} dropped</span></span></div>
<p class="meta">${esc(journal.scenario.description ?? '')}</p>
<p class="meta">run ${esc(journal.run_id)} · started ${esc(journal.started_at)} · target ${esc(journal.target.kind)} ${esc(journal.target.base_url)}${journal.file ? ` · file ${esc(journal.file)}` : ''}</p>
<div class="replay"><strong>replay</strong><pre id="replay">${esc(journal.replay)}</pre></div>
${journal.errors.length > 0 ? `<h3>Problems during the run</h3><ul>${journal.errors.map((e) => `<li>${esc(e)}</li>`).join('')}</ul>` : ''}
</header>`;
}

function readings(list: readonly ProbeReading[]): Map<string, ProbeReading> {
  return new Map(list.map((r) => [r.name, r]));
}

/** The steady-state probes before, during (share of buckets held) and after the method, each value in its tolerance's unit as the gates table writes it. */
export function steadyStateSection(journal: Journal): string {
  const { before, during, after } = journal.steady_states;
  const names = [...new Set([...before, ...during, ...after].map((r) => r.name))];
  if (names.length === 0) return '';
  const [b, d, a] = [readings(before), readings(during), readings(after)];
  const cell = (r: ProbeReading | undefined, share = false) =>
    r === undefined
      ? '<td class="muted">—</td>'
      : r.judged === false
        ? '<td class="muted">not judged (the run stopped first)</td>'
        : `<td class="${r.holds ? 'ok' : 'bad'}">${esc(r.value === null ? 'no data' : fmtMeasured(r.value, r.tolerance))}${share && r.held_share !== undefined ? ` · held ${fmtPct(r.held_share)}` : ''}</td>`;
  const rows = names.map((n) => `<tr><td>${esc(n)}</td><td><code>${esc((b.get(n) ?? d.get(n) ?? a.get(n))?.tolerance)}</code></td>${cell(b.get(n))}${cell(d.get(n), true)}${cell(a.get(n))}</tr>`);
  return `<h2>Steady state</h2><table><thead><tr><th>probe</th><th>tolerance</th><th>before</th><th>during</th><th>after</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

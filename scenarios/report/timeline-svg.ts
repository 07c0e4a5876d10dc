// The timeline of processes and faults, in the spirit of Jepsen's timeline view: one lane per fault
// window and per process, on the same time axis as the phases. Static SVG, so it needs no script.
import type { HistoryRecord, ProcessRecord } from '../history/history.js';
import type { Journal } from '../runner/journal.js';
import { observedUntil } from './fault-windows.js';
import { esc, fmtMs } from './html.js';
import { kindColour } from './report-styles.js';

const WIDTH = 1000;
const GUTTER = 190;
const LANE = 22;
const TOP = 22;

/**
 * About how wide `text` is in `size`-px system-ui, in viewBox units (the SVG scales as a whole): a little
 * wider than the average character, so a label placed by it does not run past what it was kept inside.
 */
function textWidth(text: string, size: number): number {
  return text.length * size * 0.62;
}

/** Black or white, whichever reads better on `fill` (a `#rrggbb` bar drawn at 0.8 opacity on white). */
function inkOn(fill: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => 0.8 * parseInt(fill.slice(i, i + 2), 16) + 0.2 * 255) as [number, number, number];
  return 0.299 * r + 0.587 * g + 0.114 * b > 150 ? '#0f172a' : '#ffffff';
}

const PROCESS_MARKS: Record<ProcessRecord['action'], { glyph: string; colour: string }> = {
  kill: { glyph: '✕', colour: '#b91c1c' },
  start: { glyph: '▲', colour: '#15803d' },
  stop: { glyph: '■', colour: '#a16207' },
  continue: { glyph: '▶', colour: '#15803d' },
  exit: { glyph: '●', colour: '#475569' },
};

/**
 * A bar's kind, where it stays inside the picture: right of the bar, or left of it when the bar ends
 * near the right edge (a fault healed at the run's end, or never), or inside it when neither has room.
 */
function kindLabel(kind: string, left: number, width: number, y: number): string {
  const room = textWidth(kind, 11);
  if (left + width + 4 + room <= WIDTH - 4) return `<text x="${left + width + 4}" y="${y + 14}" font-size="11" fill="#475569">${esc(kind)}</text>`;
  if (left - 4 - room >= GUTTER) return `<text x="${left - 4}" y="${y + 14}" font-size="11" text-anchor="end" fill="#475569">${esc(kind)}</text>`;
  return `<text x="${left + 4}" y="${y + 14}" font-size="11" fill="${inkOn(kindColour(kind))}">${esc(kind)}</text>`;
}

/**
 * The timeline as an `<svg>` element. Lanes: each applied activity (a bar from applied to healed),
 * then each process the history names (a glyph per kill, start, stop, continue or exit). A run stopped
 * early is drawn as far as it was observed, as its charts are, with its phases cut there.
 */
export function timelineSvg(journal: Pick<Journal, 'phases' | 'activities' | 'status' | 'rollbacks'>, history: readonly HistoryRecord[]): string {
  const processes = history.filter((r): r is ProcessRecord => r.kind === 'process');
  const observed = observedUntil(journal, history);
  const end = observed !== null && observed > 0 ? observed : Math.max(journal.phases.recovery.end, ...journal.activities.map((a) => a.healed ?? 0), ...processes.map((p) => p.time), 1);
  const x = (ms: number) => GUTTER + ((WIDTH - GUTTER - 10) * Math.max(0, ms)) / end;
  const names = [...new Set(processes.map((p) => p.process))].sort();
  const lanes = journal.activities.length + names.length;
  const height = TOP + Math.max(1, lanes) * LANE + 26;
  const parts: string[] = [];

  for (const [name, phase] of Object.entries(journal.phases)) {
    // A phase a stopped run never reached is not drawn, and the one it stopped in ends at the stop.
    const phaseEnd = Math.min(phase.end, end);
    if (phaseEnd <= phase.start) continue;
    const fill = name === 'fault' ? '#fef3c7' : name === 'recovery' ? '#dcfce7' : '#f1f5f9';
    parts.push(`<rect x="${x(phase.start)}" y="${TOP - 4}" width="${x(phaseEnd) - x(phase.start)}" height="${height - TOP - 22}" fill="${fill}"/>`);
    // A phase that starts near the right edge has its name end there instead of running past it.
    const at = Math.max(GUTTER, Math.min(x(phase.start) + 4, WIDTH - 4 - textWidth(name, 11)));
    parts.push(`<text x="${at}" y="14" font-size="11" fill="#475569">${esc(name)}</text>`);
  }
  journal.activities.forEach((a, i) => {
    const y = TOP + i * LANE;
    parts.push(`<text x="6" y="${y + 14}" font-size="12" fill="#0f172a">${esc(a.name)}</text>`);
    if (a.started === undefined) {
      const status = `${a.status}${a.error ? `: ${a.error.slice(0, 80)}` : ''}`;
      parts.push(`<text x="${Math.max(GUTTER, Math.min(x(a.planned.start), WIDTH - 4 - textWidth(status, 11)))}" y="${y + 14}" font-size="11" fill="#b91c1c">${esc(status)}</text>`);
      return;
    }
    const healed = Math.min(a.healed ?? end, end);
    const w = Math.max(3, x(healed) - x(a.started));
    const title = `${a.name} (${a.kind}) ${fmtMs(a.started)} → ${a.healed === undefined ? 'not healed' : fmtMs(a.healed)}`;
    parts.push(`<g class="fault-bar" data-start="${a.started}" data-end="${healed}"><title>${esc(title)}</title><rect x="${x(a.started)}" y="${y + 3}" width="${w}" height="${LANE - 8}" rx="3" fill="${kindColour(a.kind)}" fill-opacity="0.8"/>`);
    parts.push(`${kindLabel(a.kind, x(a.started), w, y)}</g>`);
  });
  names.forEach((name, i) => {
    const y = TOP + (journal.activities.length + i) * LANE;
    parts.push(`<text x="6" y="${y + 14}" font-size="12" fill="#0f172a">process ${esc(name)}</text>`);
    parts.push(`<line x1="${GUTTER}" x2="${WIDTH - 10}" y1="${y + 11}" y2="${y + 11}" stroke="#cbd5e1"/>`);
    for (const p of processes.filter((r) => r.process === name)) {
      const mark = PROCESS_MARKS[p.action];
      parts.push(`<text class="process-mark" x="${x(p.time)}" y="${y + 15}" font-size="13" text-anchor="middle" fill="${mark.colour}"><title>${esc(`${p.action}${p.signal ? ` ${p.signal}` : ''} at ${fmtMs(p.time)}`)}</title>${mark.glyph}</text>`);
    }
  });
  if (observed !== null && observed > 0) parts.push(`<text class="stopped" x="${WIDTH - 10}" y="14" font-size="11" text-anchor="end" fill="#b91c1c">stopped early</text>`);
  const ticks = Array.from({ length: 11 }, (_, i) => (end * i) / 10);
  // Centred under its time, except the last, which ends there: centred it ran past the right edge.
  ticks.forEach((t, i) => parts.push(`<text x="${x(t)}" y="${height - 6}" font-size="10" text-anchor="${i === ticks.length - 1 ? 'end' : 'middle'}" fill="#64748b">${(t / 1000).toFixed(1)}s</text>`));
  return `<svg viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="timeline of faults and processes">${parts.join('')}</svg>`;
}

// The report's stylesheet, inline in report.html: a readable single column, a verdict banner, plain
// tables, and the fault-band and marker overlays the page script lays over each chart.

/** Colours per fault kind, shared by the chart bands and the timeline (SVG fills). */
export const KIND_COLOURS: Record<string, string> = {
  chaos: '#f59e0b',
  proxy: '#8b5cf6',
  receiver: '#ef4444',
  process: '#64748b',
  kill: '#111827',
};

/** The colour for a fault kind such as `chaos:dynamodb` or `kill:worker`. */
export function kindColour(kind: string): string {
  return KIND_COLOURS[kind.split(':')[0] ?? ''] ?? '#94a3b8';
}

const bandRules = Object.entries(KIND_COLOURS)
  .map(([k, c]) => `.band.kind-${k}{background:${c}26;border-color:${c}}.band.kind-${k} span{color:${c}}`)
  .join('\n');

/** The stylesheet. */
export const REPORT_CSS = `
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#0f172a;background:#f8fafc}
main{max-width:1200px;margin:0 auto;padding:16px 24px 48px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #e2e8f0;padding-bottom:4px}
h3{font-size:14px;margin:14px 0 6px}
.verdict{border-radius:8px;padding:14px 18px;color:#fff;display:flex;gap:18px;align-items:center;flex-wrap:wrap}
.verdict.pass{background:#15803d}.verdict.fail{background:#b91c1c}.verdict.stopped{background:#a16207}
.verdict .word{font-size:28px;font-weight:700;letter-spacing:.04em}
.verdict .facts{display:flex;gap:16px;flex-wrap:wrap;opacity:.95}
.meta{color:#475569;margin:6px 0 0;overflow-wrap:anywhere}
table{border-collapse:collapse;width:100%;background:#fff;font-size:13px}
th,td{border:1px solid #e2e8f0;padding:4px 8px;text-align:left;vertical-align:top}
/* Narrow screens: the first and last columns (names, ids, details) may break inside long ids, with room
   kept for them, and a table still too wide scrolls inside its own box rather than the page sideways. */
@media (max-width:960px){
table:not(.u-legend){display:block;max-width:100%;overflow-x:auto;background:none}table:not(.u-legend) td{background:#fff}
table:not(.u-legend) td:first-child{overflow-wrap:anywhere;min-width:8em}table:not(.u-legend) td:last-child{overflow-wrap:anywhere;min-width:12em}}
th{background:#f1f5f9;font-weight:600}
td.ok{color:#15803d;font-weight:600}td.bad{color:#b91c1c;font-weight:600}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12.5px}
pre{background:#0f172a;color:#e2e8f0;padding:10px 12px;border-radius:6px;overflow:auto;max-height:420px}
.replay{display:flex;gap:8px;align-items:center}.replay pre{flex:1;min-width:0;margin:0}
.charts{display:grid;grid-template-columns:1fr;gap:12px}
@media (min-width:1100px){.charts{grid-template-columns:1fr 1fr}}
.compare .charts{grid-template-columns:1fr 1fr}
.panel{background:#fff;border:1px solid #e2e8f0;border-radius:6px;padding:8px 10px}
.panel header{display:flex;justify-content:space-between;align-items:center;font-weight:600}
.panel label{font-weight:400;color:#475569;font-size:12px}
.chart{min-height:260px;width:100%}
.overlays{position:absolute;inset:0;pointer-events:none}
.band{position:absolute;top:0;bottom:0;border-left:1px solid;border-right:1px solid}
.band span{position:absolute;left:3px;font-size:11px;white-space:nowrap;font-weight:600}
.band.flip span{left:auto;right:3px}
.marker{position:absolute;top:0;bottom:0;width:0;border-left:1px dashed #334155}
.marker span{position:absolute;left:3px;font-size:11px;white-space:nowrap;color:#334155}
.marker.phase span{top:auto;bottom:2px;text-transform:uppercase;letter-spacing:.05em;overflow:hidden;text-overflow:ellipsis}
.marker.flip span{left:auto;right:3px}
.marker.recovery{border-left:2px solid #16a34a}.marker.recovery span{color:#15803d;font-weight:600;background:#ffffffcc}
.marker.recovery span.wrap{white-space:normal;width:max-content}
.legend-note{color:#64748b;font-size:12px;margin:4px 0 10px}
.timeline svg{width:100%;height:auto;background:#fff;border:1px solid #e2e8f0;border-radius:6px}
.example td{font-size:12px}
.muted{color:#64748b}
${bandRules}
`;

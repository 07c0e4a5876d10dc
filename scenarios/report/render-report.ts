// report.html for one run: the verdict on top, the charts with fault windows shaded, the timeline,
// the gates, the checkers' findings, the injections, and the scenario as run; one self-contained file
// with uPlot and the page script inline, so it opens from disk with no network.
import { stringify } from 'yaml';
import type { HistoryRecord } from '../history/history.js';
import type { Journal } from '../runner/journal.js';
import type { ChartSpec } from './chart-spec.js';
import { CLIENT_SCRIPT } from './client-script.js';
import { esc, scriptJson } from './html.js';
import { injectionRows } from './injections.js';
import { checkersSection, gatesSection, injectionsSection } from './judgement-sections.js';
import { runCharts } from './run-charts.js';
import { REPORT_CSS } from './report-styles.js';
import { timelineSvg } from './timeline-svg.js';
import { uplotAssets } from './uplot-assets.js';
import { steadyStateSection, verdictOf, verdictSection } from './verdict-section.js';

/** One chart's panel: its title, an optional log-scale switch, and the element uPlot draws into. */
export function chartPanel(spec: ChartSpec): string {
  const log = spec.logToggle ? `<label><input type="checkbox" data-log="${esc(spec.id)}"> log scale</label>` : '';
  return `<section class="panel"><header><span>${esc(spec.title)} <span class="muted">(${esc(spec.unit)})</span></span>${log}</header><div class="chart" data-chart="${esc(spec.id)}"></div></section>`;
}

/** The page around a body: styles, the chart data, uPlot and the page script. */
export function page(title: string, body: string, charts: readonly ChartSpec[]): string {
  const uplot = uplotAssets();
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${uplot.css}</style><style>${REPORT_CSS}</style></head>
<body><main>${body}</main>
<script id="report-data" type="application/json">${scriptJson({ charts })}</script>
<script>${uplot.js}</script>
<script>${CLIENT_SCRIPT}</script>
</body></html>
`;
}

const CHART_NOTE = '<p class="legend-note">Shaded: fault windows as applied and healed (hover for times). Dashed lines: phase starts. Green lines: when a probe recovered after the last heal (with no fault healed, when it held, counted from the recovery phase’s start). Drag across a chart to zoom, double-click to reset.</p>';

/**
 * The whole report for one run, from its journal and history.
 * @example await writeFile('report.html', renderReport(journal, history));
 */
export function renderReport(journal: Journal, history: readonly HistoryRecord[]): string {
  const charts = runCharts(journal, history);
  const body = [
    verdictSection(journal),
    `<h2>Over time</h2>${CHART_NOTE}<div class="charts">${charts.map(chartPanel).join('')}</div>`,
    `<h2>Timeline of faults and processes</h2><div class="timeline">${timelineSvg(journal, history)}</div>`,
    gatesSection(journal),
    steadyStateSection(journal),
    checkersSection(journal.checkers),
    injectionsSection(injectionRows(journal, history)),
    `<h2>The scenario as run</h2><pre id="scenario">${esc(stringify(journal.scenario))}</pre>`,
  ].join('\n');
  return page(`${verdictOf(journal).word} · ${journal.title} · Aftershock`, body, charts);
}

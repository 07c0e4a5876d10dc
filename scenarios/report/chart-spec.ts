// What the page's script draws: each chart as plain data (x in seconds since the run started, one
// array per series) plus the fault windows to shade and the moments to mark. Built in Node, drawn in
// the browser by uPlot, and read back by the report's own tests.

/** One line on a chart. `null` values are gaps (a second with nothing to measure). */
export interface ChartSeries {
  label: string;
  values: (number | null)[];
  color: string;
  /** Drawn dashed: p50 beside a solid p99, offered load beside what succeeded. */
  dash?: boolean;
}

/** A shaded window, in seconds since the run started. */
export interface Band {
  start: number;
  end: number;
  label: string;
  /** The fault kind (`chaos:dynamodb`, `receiver`, `kill:worker`, …): it picks the colour. */
  kind: string;
}

/** A vertical line: a phase starting, or a probe recovering after the last heal (or holding from the recovery phase's start, when no fault was healed). */
export interface Marker {
  at: number;
  label: string;
  kind: 'phase' | 'recovery';
}

/** One chart. */
export interface ChartSpec {
  id: string;
  title: string;
  /** The y unit as the axis shows it: `req/s`, `%`, `ms`, `deliveries`. */
  unit: string;
  x: number[];
  /**
   * Where the x axis ends, in seconds: the end of the last bucket, or where observation ended when the
   * run was stopped early (its last bucket is then drawn only as far as the run saw it).
   */
  end: number;
  series: ChartSeries[];
  bands: Band[];
  markers: Marker[];
  /** Offers a log-scale y axis (latencies span orders of magnitude under faults). */
  logToggle?: boolean;
}

/** Line colours, in the order series take them. */
export const PALETTE = ['#2563eb', '#d97706', '#059669', '#7c3aed', '#db2777', '#0891b2', '#65a30d', '#dc2626'];

/** The colour of the `i`th series. */
export function colour(i: number): string {
  return PALETTE[i % PALETTE.length]!;
}

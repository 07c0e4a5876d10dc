// Reads one scenario run's journal.json (SPEC §5.2) into the few facts the dashboard lists: the
// verdict, the scenario's title, the seed and how many gates and checkers held. Pure and tolerant:
// a journal from a newer or older runner still lists, with what can be read from it.

/** One run, as the dashboard's Runs page shows it. */
export interface RunSummary {
  /** The run's folder name under the runs directory (its id in URLs). */
  name: string;
  title: string | null;
  /** `running`: no journal yet, and its history is still being written. */
  status: 'completed' | 'failed' | 'aborted' | 'interrupted' | 'running' | 'unknown';
  deviated: boolean | null;
  /** What went wrong without stopping the run (the journal's `errors`: why it deviated), at most PROBLEMS_SHOWN. */
  problems: string[];
  /** How many problems the journal holds in all. */
  problem_count: number;
  seed: number | string | null;
  started_at: string | null;
  ended_at: string | null;
  gates: { total: number; failed: number };
  checkers: { total: number; failed: number };
  /** Whether the folder holds report.html. */
  has_report: boolean;
  /** Set when journal.json is missing or is not JSON; the other fields are then empty. */
  error?: string;
}

const STATUSES = new Set(['completed', 'failed', 'aborted', 'interrupted']);
/** Problems listed per run, and the longest shown whole. */
const PROBLEMS_SHOWN = 3;
const PROBLEM_CHARS = 240;

/** Summarizes a parsed journal. Never throws: unknown shapes give nulls and zero counts. */
export function summarizeJournal(name: string, journal: unknown, hasReport: boolean): RunSummary {
  const j = isRecord(journal) ? journal : {};
  const scenario = isRecord(j.scenario) ? j.scenario : {};
  const status = typeof j.status === 'string' && STATUSES.has(j.status) ? (j.status as RunSummary['status']) : 'unknown';
  const problems = Array.isArray(j.errors) ? j.errors.filter((e): e is string => typeof e === 'string') : [];
  return {
    name,
    title: typeof scenario.title === 'string' ? scenario.title : null,
    status,
    deviated: typeof j.deviated === 'boolean' ? j.deviated : null,
    problems: problems.slice(0, PROBLEMS_SHOWN).map((p) => (p.length > PROBLEM_CHARS ? `${p.slice(0, PROBLEM_CHARS - 1)}…` : p)),
    problem_count: problems.length,
    seed: typeof j.seed === 'number' || typeof j.seed === 'string' ? j.seed : null,
    started_at: stringOrNull(j.start ?? j.started_at),
    ended_at: stringOrNull(j.end ?? j.ended_at),
    gates: countOutcomes(j.gates),
    checkers: countOutcomes(j.checkers),
    has_report: hasReport,
  };
}

/** A run still going: the runner writes its journal when it ends. */
export function runningRun(name: string): RunSummary {
  return { ...summarizeJournal(name, undefined, false), status: 'running' };
}

/** A run folder whose journal could not be read. */
export function unreadableRun(name: string, hasReport: boolean, error: string): RunSummary {
  return { ...summarizeJournal(name, undefined, hasReport), error };
}

/**
 * Counts results and failures. Gates and checkers may be a list or a map by name; an entry failed when
 * it says so (`ok`/`passed`/`valid` false, or `status` failed).
 */
function countOutcomes(value: unknown): { total: number; failed: number } {
  const entries = Array.isArray(value) ? value : isRecord(value) ? Object.values(value) : [];
  let failed = 0;
  for (const entry of entries) if (isRecord(entry) && hasFailed(entry)) failed++;
  return { total: entries.length, failed };
}

function hasFailed(entry: Record<string, unknown>): boolean {
  for (const key of ['ok', 'passed', 'valid', 'valid?']) if (entry[key] === false) return true;
  return entry.status === 'failed' || entry.status === 'fail';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

// Runs: the scenario runs the runner wrote under .aftershock/runs, with each verdict and a link to
// its self-contained HTML report (opened through a short-lived link the server signs).
import { useState } from 'react';
import type { ApiClient, ApiFailure } from '../api-client.js';
import { ErrorBanner } from '../components/error-banner.js';
import { utc } from '../format.js';
import type { RunSummary } from '../types.js';
import { asFailure, useLoad } from '../use-load.js';
import { DataTable } from '../components/data-table.js';

/**
 * A run's verdict in words, as the runner gave it (its exit code and its report's PASS/FAIL): held,
 * failed a gate or checker, or did not finish. A deviation (steady state broken before or after, a
 * step not applied) is added to the word and makes a pass a warning, not a failure.
 */
export function verdictOf(run: RunSummary): { label: string; tone: 'ok' | 'bad' | 'warn' } {
  if (run.error) return { label: run.error, tone: 'warn' };
  const deviated = run.deviated === true ? ' (deviated)' : '';
  if (run.status === 'completed' && run.gates.failed === 0 && run.checkers.failed === 0) return { label: `passed${deviated}`, tone: deviated ? 'warn' : 'ok' };
  if (run.status === 'completed' || run.status === 'failed') return { label: `failed${deviated}`, tone: 'bad' };
  return { label: run.status, tone: 'warn' };
}

/** The runs list (admin token). */
export function RunsPage({ api }: { api: ApiClient }) {
  const loaded = useLoad(() => api.get<{ runs: RunSummary[] }>('/dashboard/api/runs'), [api], 30_000);
  const [error, setError] = useState<ApiFailure | null>(null);
  const openReport = async (run: RunSummary) => {
    // The tab is opened in the click itself (browsers allow no later popup), then sent to a link the
    // server signed for this report: a tab cannot carry the admin token in a header.
    const tab = window.open('', '_blank');
    try {
      const { url } = await api.post<{ url: string }>(`/dashboard/api/runs/${encodeURIComponent(run.name)}/link`);
      if (tab) {
        tab.opener = null;
        tab.location.href = url;
      }
      else location.assign(url);
    } catch (err) {
      tab?.close();
      setError(asFailure(err));
    }
  };
  const runs = loaded.data?.runs ?? [];
  return (
    <section aria-labelledby="runs-title">
      <div className="page-head">
        <h2 id="runs-title">Scenario runs</h2>
        <button type="button" onClick={loaded.reload}>
          Refresh
        </button>
      </div>
      <ErrorBanner error={error ?? loaded.error} />
      <DataTable
        columns={['Run', 'Scenario', 'Verdict', 'Gates', 'Checkers', 'Seed', 'Started', 'Report']}
        count={loaded.data ? runs.length : undefined}
        loading={loaded.loading}
        empty={
          <>
            No runs yet. <code>aftershock run</code> writes each run under <code>.aftershock/runs/</code> in the server's working folder.
          </>
        }
      >
        {runs.map((r) => {
          const verdict = verdictOf(r);
          return (
            <tr key={r.name}>
              <td className="mono">{r.name}</td>
              <td>{r.title ?? '—'}</td>
              <td>
                <span className={`badge ${verdict.tone}`}>{verdict.label}</span>
                {r.problems.map((p) => (
                  <div key={p} className="muted problem">
                    {p}
                  </div>
                ))}
                {r.problem_count > r.problems.length && <div className="muted problem">and {r.problem_count - r.problems.length} more in the report</div>}
              </td>
              <td>{r.gates.total === 0 ? '—' : `${r.gates.total - r.gates.failed}/${r.gates.total} held`}</td>
              <td>{r.checkers.total === 0 ? '—' : `${r.checkers.total - r.checkers.failed}/${r.checkers.total} valid`}</td>
              <td className="mono">{r.seed ?? '—'}</td>
              <td>{utc(r.started_at)}</td>
              <td>
                {r.has_report ? (
                  <a href="#/runs" onClick={(e) => (e.preventDefault(), void openReport(r))}>
                    Open report
                  </a>
                ) : (
                  '—'
                )}
              </td>
            </tr>
          );
        })}
      </DataTable>
    </section>
  );
}

// Chaos: the rules in force with their remaining time and injection counts, the recent injection
// log, one-click presets, and the kill switch. Only shown outside production, where the control API
// exists at all.
import { useState } from 'react';
import type { ApiClient, ApiFailure } from '../api-client.js';
import { ErrorBanner } from '../components/error-banner.js';
import { remaining, utc } from '../format.js';
import type { ChaosRule, Injection } from '../types.js';
import { asFailure, useLoad } from '../use-load.js';
import { CHAOS_PRESETS, ruleFromPreset } from './chaos-presets.js';
import { DataTable } from '../components/data-table.js';

interface ChaosState {
  enabled: boolean;
  seed: number;
  rules: ChaosRule[];
}

/** What the rule's generator drew for one injection (`delay_ms 312`), the values a replay repeats. */
export function describeDetail(detail: Record<string, unknown>): string {
  const parts = Object.entries(detail)
    .filter(([, v]) => v !== undefined && v !== null && typeof v !== 'object')
    .map(([k, v]) => `${k} ${typeof v === 'number' ? Math.round(v * 100) / 100 : String(v)}`);
  return parts.length > 0 ? parts.join(', ') : '—';
}

/** The chaos control page (admin token). */
export function ChaosPage({ api }: { api: ApiClient }) {
  const loaded = useLoad(
    async () => {
      const [state, log] = await Promise.all([api.get<ChaosState>('/_chaos/rules'), api.get<{ entries: Injection[] }>('/_chaos/log?limit=50')]);
      return { state, log: log.entries.reverse() };
    },
    [api],
    2000,
  );
  const [preset, setPreset] = useState(0);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const act = async (fn: () => Promise<string>) => {
    setError(null);
    try {
      setNotice(await fn());
    } catch (err) {
      setError(asFailure(err));
    }
    loaded.reload();
  };
  const state = loaded.data?.state;
  const now = Date.now();

  return (
    <section aria-labelledby="chaos-title">
      <div className="page-head">
        <h2 id="chaos-title">Chaos</h2>
        <button type="button" className="danger" onClick={() => void act(async () => `Healed ${(await api.post<{ healed: number }>('/_chaos/heal')).healed} rule(s).`)}>
          Heal all (kill switch)
        </button>
      </div>
      {notice ? <p role="status" className="ok">{notice}</p> : null}
      <ErrorBanner error={error ?? loaded.error} />
      {state ? (
        <p className={state.enabled ? 'bad' : 'muted'}>
          Injection is <strong>{state.enabled ? 'on' : 'paused'}</strong> (seed {state.seed}).{' '}
          <button type="button" onClick={() => void act(async () => (await api.put<ChaosState>('/_chaos/enabled', { enabled: !state.enabled }), state.enabled ? 'Injection paused.' : 'Injection on.'))}>
            {state.enabled ? 'Pause injection' : 'Turn injection on'}
          </button>
        </p>
      ) : null}
      <form
        className="toolbar"
        aria-label="Add a rule"
        onSubmit={(e) => {
          e.preventDefault();
          const chosen = CHAOS_PRESETS[preset]!;
          void act(async () => (await api.put('/_chaos/rules', { rules: [ruleFromPreset(chosen, Date.now())] }), `Added: ${chosen.label}.`));
        }}
      >
        <label>
          Preset
          <select value={preset} onChange={(e) => setPreset(Number(e.target.value))}>
            {CHAOS_PRESETS.map((p, i) => (
              <option key={p.rule.id} value={i}>
                {p.label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" className="primary">
          Add rule
        </button>
      </form>
      <section className="panel" aria-label="Active rules">
        <h3>Rules</h3>
        <DataTable columns={['Rule', 'Point', 'Injector', 'Probability', 'State', 'Injections', 'Remaining', '']} count={state?.rules.length} empty="No rules: nothing is being injected.">
          {state?.rules.map((r) => (
            <tr key={r.id}>
              <td className="mono">{r.id}</td>
              <td>{r.point}</td>
              <td>{r.injector.kind}</td>
              <td>{Math.round(r.probability * 100)}%</td>
              <td>{r.state}</td>
              <td>{r.count}</td>
              <td>{remaining(r.ends_at, now)}</td>
              <td>
                <button type="button" onClick={() => void act(async () => (await api.delete(`/_chaos/rules/${encodeURIComponent(r.id)}`), `Removed ${r.id}.`))}>
                  Remove
                </button>
              </td>
            </tr>
          ))}
        </DataTable>
      </section>
      <section className="panel" aria-label="Injection log">
        <h3>Recent injections</h3>
        <DataTable columns={['#', 'Time', 'Rule', 'Point', 'Kind', 'Drawn', 'Request id']} count={loaded.data?.log.length} empty="No injections yet.">
          {loaded.data?.log.map((i) => (
            <tr key={i.seq}>
              <td>{i.seq}</td>
              <td>{utc(i.at, 'millis')}</td>
              <td className="mono">{i.rule}</td>
              <td>{i.point}</td>
              <td>{i.kind}</td>
              <td>{describeDetail(i.detail)}</td>
              <td className="mono">{i.request_id ?? '—'}</td>
            </tr>
          ))}
        </DataTable>
      </section>
    </section>
  );
}

// API keys (§4.5): every key with its status, version, rotation and expiry; rotation with a
// transition period (the new key shown once, with a copy button), version history, and revoke.
import { useState } from 'react';
import type { ApiClient, ApiFailure } from '../api-client.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { CopyButton } from '../components/copy-button.js';
import { ErrorBanner } from '../components/error-banner.js';
import { utc } from '../format.js';
import type { ApiKey, RotatedKey, Session } from '../types.js';
import { asFailure, useLoad } from '../use-load.js';
import { DataTable } from '../components/data-table.js';

/** The keys the credential may manage: all (admin) or its tenant's (a keys:manage key). */
export function KeysPage({ api, session }: { api: ApiClient; session: Session }) {
  const loaded = useLoad(() => api.get<{ keys: ApiKey[] }>('/dashboard/api/keys'), [api], 15_000);
  const [rotating, setRotating] = useState<ApiKey | null>(null);
  const [transitionDays, setTransitionDays] = useState(7);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [rotated, setRotated] = useState<RotatedKey | null>(null);
  const [versions, setVersions] = useState<{ of: string; list: ApiKey[] } | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);

  const act = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(asFailure(err));
    } finally {
      setBusy(false);
      loaded.reload();
    }
  };
  const rotate = () =>
    act(async () => {
      const key = rotating!;
      setRotating(null);
      setRotated(await api.post<RotatedKey>(`/v1/api-keys/${key.key_id}/rotate`, { transition_days: transitionDays }));
    });
  const revoke = () =>
    act(async () => {
      const key = revoking!;
      setRevoking(null);
      await api.post(`/v1/api-keys/${key.key_id}/revoke`);
    });
  const showVersions = (key: ApiKey) =>
    act(async () => {
      const page = await api.get<{ versions: ApiKey[] }>(`/v1/api-keys/${key.key_id}/versions?limit=100`);
      setVersions({ of: key.name, list: page.versions });
    });

  const keys = loaded.data?.keys ?? [];
  return (
    <section aria-labelledby="keys-title">
      <div className="page-head">
        <h2 id="keys-title">API keys</h2>
        <span className="muted small">{session.kind === 'admin' ? 'All tenants' : 'This tenant'}</span>
      </div>
      <ErrorBanner error={error ?? loaded.error} />
      {rotated ? (
        <div className="panel highlight" role="status" aria-label="New key">
          <h3>
            New key for {rotated.name} (version {rotated.version})
          </h3>
          <p>
            Shown only now. The previous version is <strong>{rotated.previous_status}</strong>
            {rotated.previous_expires_at ? ` and keeps working until ${utc(rotated.previous_expires_at)}` : ''}.
          </p>
          <code className="secret" data-testid="new-key">
            {rotated.api_key}
          </code>{' '}
          <CopyButton text={rotated.api_key} />
          <div className="actions">
            <button type="button" onClick={() => setRotated(null)}>
              I have saved it
            </button>
          </div>
        </div>
      ) : null}
      <DataTable columns={['Name', 'Key', 'Status', 'Version', 'Rotated', 'Expires', 'Actions']} count={loaded.data ? keys.length : undefined} loading={loaded.loading} empty="No keys.">
        {keys.map((k) => (
          <tr key={k.key_id}>
            <td className="wrap">{k.name}</td>
            <td className="mono">
              {k.key_prefix}… <span className="muted small">{k.key_id}</span>
            </td>
            <td>
              <span className={`badge ${k.status}`}>{k.status}</span>
            </td>
            <td>v{k.version ?? 1}</td>
            <td>{utc(k.rotated_at)}</td>
            <td>{utc(k.expires_at)}</td>
            <td>
              <div className="row-actions">
                <button type="button" onClick={() => void showVersions(k)}>
                  Versions
                </button>
                <button type="button" disabled={k.status !== 'active' || busy} onClick={() => setRotating(k)}>
                  Rotate
                </button>
                <button type="button" className="danger" disabled={k.status === 'revoked' || busy} onClick={() => setRevoking(k)}>
                  Revoke
                </button>
              </div>
            </td>
          </tr>
        ))}
      </DataTable>
      {versions ? (
        <section className="panel" aria-label="Version history">
          <div className="page-head">
            <h3>Versions of {versions.of}</h3>
            <button type="button" onClick={() => setVersions(null)}>
              Close
            </button>
          </div>
          <ol className="versions">
            {versions.list.map((v) => (
              <li key={v.key_id}>
                v{v.version ?? 1} <span className={`badge ${v.status}`}>{v.status}</span> created {utc(v.created_at)}
                {v.expires_at ? `, expires ${utc(v.expires_at)}` : ''}
                {v.revoked_at ? `, revoked ${utc(v.revoked_at)}` : ''}
              </li>
            ))}
          </ol>
        </section>
      ) : null}
      <ConfirmDialog open={rotating !== null} title={`Rotate ${rotating?.name ?? ''}?`} confirmLabel="Rotate" busy={busy} onConfirm={() => void rotate()} onCancel={() => setRotating(null)}>
        <p>A new key is made and shown once. The current key keeps working during the transition, then expires.</p>
        <label htmlFor="transition-days">Transition period (days, 0 ends the current key now)</label>
        <input id="transition-days" type="number" min={0} max={90} value={transitionDays} onChange={(e) => setTransitionDays(Number(e.target.value))} />
      </ConfirmDialog>
      <ConfirmDialog open={revoking !== null} title={`Revoke ${revoking?.name ?? ''} v${revoking?.version ?? 1}?`} confirmLabel="Revoke" danger busy={busy} onConfirm={() => void revoke()} onCancel={() => setRevoking(null)}>
        <p>Requests with this key fail from now on (other server instances within a few seconds). This cannot be undone.</p>
      </ConfirmDialog>
    </section>
  );
}

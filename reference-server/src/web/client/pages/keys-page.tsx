// API keys (§4.5): every key with its status, version, rotation and expiry; a new key (admin),
// rotation with a transition period (either shows the secrets once, with copy buttons), version
// history, and revoke.
import { useState } from 'react';
import type { ApiClient, ApiFailure } from '../api-client.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { ErrorBanner } from '../components/error-banner.js';
import { utc } from '../format.js';
import type { ApiKey, CreatedKey, RotatedKey, Session } from '../types.js';
import { asFailure, useLoad } from '../use-load.js';
import { DataTable } from '../components/data-table.js';
import { KeyForm, type TenantChoice } from './key-form.js';
import { NewKeyPanel } from './new-key-panel.js';

const COLUMNS = ['Key', 'Status', 'Version', 'Rotated', 'Expires', 'Actions'];

/** The tenants among `keys`, each named by its keys, in the order they first appear. */
export function tenantsOf(keys: readonly ApiKey[]): TenantChoice[] {
  const byId = new Map<string, Set<string>>();
  for (const k of keys) byId.set(k.tenant_id, (byId.get(k.tenant_id) ?? new Set()).add(k.name));
  return [...byId].map(([tenant_id, names]) => ({ tenant_id, names: [...names] }));
}

/** The keys the credential may manage: all (admin) or its tenant's (a keys:manage key). */
export function KeysPage({ api, session }: { api: ApiClient; session: Session }) {
  const loaded = useLoad(() => api.get<{ keys: ApiKey[] }>('/dashboard/api/keys'), [api], 15_000);
  const [rotating, setRotating] = useState<ApiKey | null>(null);
  const [transitionDays, setTransitionDays] = useState(7);
  const [revoking, setRevoking] = useState<ApiKey | null>(null);
  const [creating, setCreating] = useState(false);
  // The secrets on screen, from a rotation or a creation; dropped when the admin says they are saved.
  const [shown, setShown] = useState<{ rotated: RotatedKey } | { created: CreatedKey } | null>(null);
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
      setShown({ rotated: await api.post<RotatedKey>(`/v1/api-keys/${key.key_id}/rotate`, { transition_days: transitionDays }) });
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
  const admin = session.kind === 'admin';
  // While secrets are on screen nothing else makes new ones, which would replace them unsaved.
  const holding = shown !== null;
  const created = (key: CreatedKey) => {
    setCreating(false);
    setShown({ created: key });
    loaded.reload();
  };
  return (
    <section aria-labelledby="keys-title">
      <div className="page-head">
        <h2 id="keys-title">API keys</h2>
        <div className="head-side">
          <span className="muted small">{admin ? 'All tenants' : 'This tenant'}</span>
          {/* Only the admin token may create keys (a keys:manage key rotates and revokes its tenant's). */}
          {admin ? (
            <button type="button" className="primary" onClick={() => setCreating(true)} disabled={holding}>
              New key
            </button>
          ) : null}
        </div>
      </div>
      <ErrorBanner error={error ?? loaded.error} />
      {creating ? <KeyForm api={api} tenants={tenantsOf(keys)} held={holding} onCreated={created} onCancel={() => setCreating(false)} /> : null}
      {shown && 'created' in shown ? (
        <NewKeyPanel title={`Key ${shown.created.name} created`} created={shown.created} onDone={() => setShown(null)}>
          <p>
            Tenant <span className="mono">{shown.created.tenant_id}</span>, scopes {shown.created.scopes.join(', ')}, tier {shown.created.tier}.
          </p>
        </NewKeyPanel>
      ) : null}
      {shown && 'rotated' in shown ? (
        <NewKeyPanel title={`New key for ${shown.rotated.name} (version ${shown.rotated.version})`} created={shown.rotated} onDone={() => setShown(null)}>
          <p>
            The previous version is <strong>{shown.rotated.previous_status}</strong>
            {shown.rotated.previous_expires_at ? ` and keeps working until ${utc(shown.rotated.previous_expires_at)}` : ''}.
          </p>
        </NewKeyPanel>
      ) : null}
      <DataTable columns={admin ? ['Name', 'Tenant', ...COLUMNS] : ['Name', ...COLUMNS]} count={loaded.data ? keys.length : undefined} loading={loaded.loading} empty={admin ? 'No keys yet. New key makes the first, with a tenant of its own.' : 'No keys.'}>
        {keys.map((k) => (
          <tr key={k.key_id}>
            <td className="wrap key-name">{k.name}</td>
            {admin ? <td className="mono nowrap">{k.tenant_id}</td> : null}
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
                <button type="button" disabled={k.status !== 'active' || busy || holding} onClick={() => setRotating(k)}>
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

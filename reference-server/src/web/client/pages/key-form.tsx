// The admin's form for a new API key (POST /v1/api-keys): name, tenant (new or existing), scopes,
// tier and signing mode. The API is the one judge of the input; its refusals are shown by field.
import { useId, useState, type FormEvent } from 'react';
import { fieldErrors, type ApiClient, type ApiFailure } from '../api-client.js';
import { ErrorBanner } from '../components/error-banner.js';
import type { CreateApiKeyInput, CreatedKey, Scope, SigningMode, Tier } from '../types.js';
import { asFailure } from '../use-load.js';

/** The API's scopes, tiers and signing modes, in its order (a test holds them to the server's lists). */
export const KEY_SCOPES: readonly Scope[] = ['events:read', 'events:write', 'webhooks:manage', 'analytics:read', 'keys:manage'];
export const KEY_TIERS: readonly Tier[] = ['free', 'startup', 'business', 'enterprise'];
export const KEY_SIGNING_MODES: readonly SigningMode[] = ['off', 'optional', 'required'];

/** The body fields the form has a place for. */
const FIELDS = ['name', 'tenant_id', 'scopes', 'tier', 'signing_mode'];

/** A tenant the form offers to add the key to, named by the keys it already has. */
export interface TenantChoice {
  tenant_id: string;
  names: string[];
}

/** What the form holds, as typed. */
export interface KeyFormValues {
  name: string;
  tenantId: string;
  scopes: Scope[];
  tier: Tier;
  signingMode: SigningMode | '';
}

/**
 * The request body for `values`: a blank tenant starts a new one, a blank signing mode leaves the
 * server's; the name goes as typed, so the API's own rule for it is the one that decides.
 */
export function createKeyBody(values: KeyFormValues): CreateApiKeyInput {
  const tenantId = values.tenantId.trim();
  return {
    name: values.name,
    scopes: KEY_SCOPES.filter((s) => values.scopes.includes(s)),
    tier: values.tier,
    ...(tenantId ? { tenant_id: tenantId } : {}),
    ...(values.signingMode ? { signing_mode: values.signingMode } : {}),
  };
}

/**
 * Creates a key and hands it (with its secrets) to `onCreated`; `tenants` are offered as suggestions.
 * With `held`, the page still shows another key's secrets and the form waits until they are saved.
 */
export function KeyForm({ api, tenants, held = false, onCreated, onCancel }: { api: ApiClient; tenants: TenantChoice[]; held?: boolean; onCreated: (key: CreatedKey) => void; onCancel: () => void }) {
  const [values, setValues] = useState<KeyFormValues>({ name: '', tenantId: '', scopes: [...KEY_SCOPES], tier: 'free', signingMode: '' });
  const [error, setError] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  const id = useId();
  const set = (change: Partial<KeyFormValues>) => setValues((v) => ({ ...v, ...change }));
  const toggle = (scope: Scope, on: boolean) => set({ scopes: on ? [...values.scopes, scope] : values.scopes.filter((s) => s !== scope) });
  const byField = fieldErrors(error);
  // A refusal that names no field of this form (a 401, a 503, an unknown field) is shown whole.
  const unplaced = error && !FIELDS.some((f) => byField[f]) ? error : null;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onCreated(await api.post<CreatedKey>('/v1/api-keys', createKeyBody(values)));
    } catch (err) {
      setError(asFailure(err));
    } finally {
      setBusy(false);
    }
  };

  /** Under a field: the API's word on it after a refusal, then its hint. */
  const note = (field: string, hint: string) => (
    <>
      {byField[field] ? (
        <p id={`${id}-${field}-error`} className="field-error">
          {byField[field]}
        </p>
      ) : null}
      <p id={`${id}-${field}-hint`} className="muted small field-hint">
        {hint}
      </p>
    </>
  );
  const described = (field: string) => ({
    'aria-describedby': byField[field] ? `${id}-${field}-error ${id}-${field}-hint` : `${id}-${field}-hint`,
    'aria-invalid': !!byField[field],
  });

  return (
    <form className="panel form" onSubmit={submit} noValidate aria-label="New API key" autoComplete="off">
      <h3>New API key</h3>
      <label htmlFor={`${id}-name`}>Name</label>
      <input id={`${id}-name`} value={values.name} onChange={(e) => set({ name: e.target.value })} placeholder="billing-service" {...described('name')} />
      {note('name', 'What the key is for, 1–128 characters. Shown in this list and the audit log.')}
      <label htmlFor={`${id}-tenant`}>Tenant</label>
      <input id={`${id}-tenant`} className="mono" list={`${id}-tenants`} value={values.tenantId} onChange={(e) => set({ tenantId: e.target.value })} placeholder="A new tenant" {...described('tenant_id')} />
      <datalist id={`${id}-tenants`}>
        {tenants.map((t) => (
          <option key={t.tenant_id} value={t.tenant_id}>
            {t.names.join(', ')}
          </option>
        ))}
      </datalist>
      {note('tenant_id', 'Leave empty to start a new tenant, or give an existing tenant id (tnt_…) to add the key to it.')}
      <fieldset {...described('scopes')}>
        <legend>Scopes</legend>
        <div className="checks">
          {KEY_SCOPES.map((scope) => (
            <label key={scope} className="inline">
              <input type="checkbox" checked={values.scopes.includes(scope)} onChange={(e) => toggle(scope, e.target.checked)} /> <span className="mono">{scope}</span>
            </label>
          ))}
        </div>
      </fieldset>
      {note('scopes', 'What the key may do; at least one.')}
      <div className="form-row">
        <div>
          <label htmlFor={`${id}-tier`}>Tier</label>
          <select id={`${id}-tier`} value={values.tier} onChange={(e) => set({ tier: e.target.value as Tier })} {...described('tier')}>
            {KEY_TIERS.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
          {note('tier', 'Sets its rate limits.')}
        </div>
        <div>
          <label htmlFor={`${id}-signing`}>Request signing</label>
          <select id={`${id}-signing`} value={values.signingMode} onChange={(e) => set({ signingMode: e.target.value as SigningMode | '' })} {...described('signing_mode')}>
            <option value="">server default (SIGNING_MODE)</option>
            {KEY_SIGNING_MODES.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
          {note('signing_mode', 'A key with required cannot sign in to this dashboard.')}
        </div>
      </div>
      <ErrorBanner error={unplaced} />
      <div className="actions">
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="primary" disabled={busy || held}>
          {busy ? 'Creating…' : 'Create key'}
        </button>
      </div>
    </form>
  );
}

// Sign-in: an API key (tenant pages) or the admin token (keys, chaos, runs). The credential is
// checked against the server before it is kept, and kept in this tab's sessionStorage only.
import { useState, type FormEvent } from 'react';
import type { ApiFailure } from '../api-client.js';
import { ErrorBanner } from '../components/error-banner.js';

/** The sign-in form. */
export function SignIn({ onSignIn, error }: { onSignIn: (credential: string) => Promise<void>; error: ApiFailure | null }) {
  const [credential, setCredential] = useState('');
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    await onSignIn(credential.trim());
    setBusy(false);
  };
  return (
    <main className="sign-in">
      <h1>Triggers API dashboard</h1>
      <form onSubmit={submit}>
        <label htmlFor="credential">API key or admin token</label>
        <input
          id="credential"
          type="password"
          autoComplete="off"
          placeholder="tr_… or adm_…"
          value={credential}
          onChange={(e) => setCredential(e.target.value)}
          required
        />
        <p className="muted small">
          An API key shows its tenant's analytics, webhooks and keys; the admin token shows every key, chaos and scenario runs. It is kept
          for this tab only.
        </p>
        <ErrorBanner error={error} />
        <button type="submit" className="primary" disabled={busy || credential.trim() === ''}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

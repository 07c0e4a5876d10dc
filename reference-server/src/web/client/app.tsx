// The dashboard shell: sign-in, then the pages this credential may use (the server's answer to
// /dashboard/api/session decides), switched by the URL's hash so reloads and links keep the page.
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiClient, ApiFailure } from './api-client.js';
import { AnalyticsPage } from './pages/analytics-page.js';
import { ChaosPage } from './pages/chaos-page.js';
import { KeysPage } from './pages/keys-page.js';
import { RunsPage } from './pages/runs-page.js';
import { SignIn } from './pages/sign-in.js';
import { WebhooksPage } from './pages/webhooks-page.js';
import { clearCredential, loadCredential, saveCredential } from './session-store.js';
import type { Session } from './types.js';
import { asFailure } from './use-load.js';

type PageId = 'analytics' | 'webhooks' | 'keys' | 'chaos' | 'runs';
const TITLES: Record<PageId, string> = { analytics: 'Analytics', webhooks: 'Webhooks', keys: 'API keys', chaos: 'Chaos', runs: 'Runs' };

/** Which pages a session sees: tenant data for a key, operator pages for the admin token. */
export function pagesFor(session: Session): PageId[] {
  if (session.kind === 'admin') return session.chaos ? ['keys', 'chaos', 'runs'] : ['keys', 'runs'];
  const pages: PageId[] = [];
  if (session.scopes.includes('analytics:read')) pages.push('analytics');
  if (session.scopes.includes('webhooks:manage')) pages.push('webhooks');
  if (session.scopes.includes('keys:manage')) pages.push('keys');
  return pages;
}

/** The whole dashboard. */
export function App() {
  const [signedIn, setSignedIn] = useState<{ api: ApiClient; session: Session } | null>(null);
  const [checking, setChecking] = useState(() => loadCredential() !== null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [hash, setHash] = useState(() => location.hash);
  // The client of the session in use: a 401 from any other (a check in progress, a page of a session
  // already signed out) changes nothing.
  const live = useRef<ApiClient | null>(null);

  const signIn = useCallback(async (credential: string) => {
    const api: ApiClient = new ApiClient(credential, undefined, {
      onUnauthorized: (failure) => {
        if (live.current !== api) return;
        // Revoked, expired or replaced while signed in: every page would only show this error, so
        // back to sign-in, saying why.
        live.current = null;
        clearCredential();
        setSignedIn(null);
        setError(new ApiFailure(failure.status, failure.code, `Signed out: ${failure.message}. Sign in with a key or token that works.`, failure.requestId));
      },
    });
    try {
      const session = await api.get<Session>('/dashboard/api/session');
      saveCredential(credential);
      setError(null);
      live.current = api;
      setSignedIn({ api, session });
    } catch (err) {
      clearCredential();
      setError(asFailure(err));
    } finally {
      setChecking(false);
    }
  }, []);

  useEffect(() => {
    const saved = loadCredential();
    if (saved) void signIn(saved);
    const onHash = () => setHash(location.hash);
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, [signIn]);

  if (!signedIn) return checking ? <p className="loading">Checking your session…</p> : <SignIn onSignIn={signIn} error={error} />;

  const pages = pagesFor(signedIn.session);
  const current = pages.find((p) => `#/${p}` === hash) ?? pages[0];
  const signOut = () => {
    live.current = null;
    clearCredential();
    setSignedIn(null);
    location.hash = '';
  };
  return (
    <div className="shell">
      <header>
        <span className="brand">Triggers API</span>
        <nav aria-label="Pages">
          {pages.map((p) => (
            <a key={p} href={`#/${p}`} aria-current={p === current ? 'page' : undefined}>
              {TITLES[p]}
            </a>
          ))}
        </nav>
        <span className="who">
          {signedIn.session.kind === 'admin' ? 'admin' : `key ${signedIn.session.name}`}
          <button type="button" onClick={signOut}>
            Sign out
          </button>
        </span>
      </header>
      <main>
        {current === undefined ? <p className="empty">This credential has no scope the dashboard can show.</p> : null}
        {current === 'analytics' ? <AnalyticsPage api={signedIn.api} /> : null}
        {current === 'webhooks' ? <WebhooksPage api={signedIn.api} /> : null}
        {current === 'keys' ? <KeysPage api={signedIn.api} session={signedIn.session} /> : null}
        {current === 'chaos' ? <ChaosPage api={signedIn.api} /> : null}
        {current === 'runs' ? <RunsPage api={signedIn.api} /> : null}
      </main>
    </div>
  );
}

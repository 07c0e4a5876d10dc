// Where the signed-in credential lives: sessionStorage, so it lasts for this tab only and is gone
// when the tab closes. It is never written to the console, a URL or localStorage.

const KEY = 'aftershock.dashboard.credential';

/** The credential saved for this tab, if any. */
export function loadCredential(storage: Pick<Storage, 'getItem'> = sessionStorage): string | null {
  return storage.getItem(KEY);
}

/** Keeps the credential for this tab. */
export function saveCredential(credential: string, storage: Pick<Storage, 'setItem'> = sessionStorage): void {
  storage.setItem(KEY, credential);
}

/** Forgets the credential (sign out). */
export function clearCredential(storage: Pick<Storage, 'removeItem'> = sessionStorage): void {
  storage.removeItem(KEY);
}

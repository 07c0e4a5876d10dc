// Signing in to the dashboard from a browser test, in a tab that may still hold the last test's session.
import type { Page } from 'playwright-core';

/** Opens `url` (a dashboard page), signs out a session the tab still holds, signs in with `credential`, and waits until signed in. */
export async function signIn(page: Page, url: string, credential: string): Promise<void> {
  await page.goto(url);
  const signOut = page.getByRole('button', { name: 'Sign out' });
  const field = page.getByLabel('API key or admin token');
  await signOut.or(field).first().waitFor();
  if (await signOut.isVisible()) await signOut.click();
  await field.fill(credential);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await signOut.waitFor();
}

// The API keys page in headless Chromium against the real server and dynalite: the admin creates a
// key through the form and uses the secrets it shows once, the API's refusals appear beside their
// fields, a key joins an existing tenant, and a rotation's new signing secret signs requests.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright-core';
import { ensureDashboardBuilt } from '../../reference-server/src/web/build-dashboard.js';
import { SCOPES, SIGNING_MODES, TIERS } from '../../reference-server/src/domain/scopes.js';
import { KEY_SCOPES, KEY_SIGNING_MODES, KEY_TIERS } from '../../reference-server/src/web/client/pages/key-form.js';
import { newSignatureNonce, signatureHeaders } from '../../sdk/typescript/src/index.js';
import { ADMIN_TOKEN, startTestApi, type TestApi } from '../support/test-api.js';
import { launchChromium, type Chromium } from './support/chromium.js';
import { signIn as signInAt } from './support/sign-in.js';

let api: TestApi;
let chrome: Chromium;
/** Every console message of the run, of any level: no secret may appear in one. */
const consoleLines: string[] = [];
/** Waits for what the page shows: bounded, generous for a shared machine. */
const POLL = { timeout: 10_000 };

beforeAll(async () => {
  await ensureDashboardBuilt();
  api = await startTestApi({});
  chrome = await launchChromium();
  chrome.page.on('console', (msg) => consoleLines.push(msg.text()));
}, 60_000);

afterAll(async () => {
  await chrome?.close();
  await api?.close();
});

async function signIn(page: Page, credential: string): Promise<void> {
  await signInAt(page, `${api.url}/dashboard/#/keys`, credential);
  await page.getByRole('heading', { name: 'API keys' }).waitFor();
}

/** The text of the first element `field` is described by: its error, when it has one. */
async function describedBy(field: Locator): Promise<string | null> {
  const first = (await field.getAttribute('aria-describedby'))?.split(' ')[0];
  return first ? field.page().locator(`[id="${first}"]`).textContent() : null;
}

/** A signed GET, as a client holding `signingSecret` sends it. */
function signedGet(apiKey: string, signingSecret: string, path: string) {
  const headers = signatureHeaders(signingSecret, { method: 'GET', path, rawQuery: '', timestamp: Math.floor(Date.now() / 1000), body: '', nonce: newSignatureNonce() });
  return api.call('GET', path, { key: apiKey, headers });
}

it("offers the API's own scopes, tiers and signing modes", () => {
  expect(KEY_SCOPES).toEqual(SCOPES);
  expect(KEY_TIERS).toEqual(TIERS);
  expect(KEY_SIGNING_MODES).toEqual(SIGNING_MODES);
});

it('creates a key through the form, shows its secrets once, and the key works at once', async () => {
  const { page } = chrome;
  await signIn(page, ADMIN_TOKEN);
  await page.getByText('No keys yet.', { exact: false }).waitFor();
  await page.getByRole('button', { name: 'New key' }).click();
  const form = page.getByRole('form', { name: 'New API key' });
  await form.getByLabel('Name').fill('billing-service');
  await form.getByLabel('keys:manage').uncheck();
  await form.getByLabel('Tier').selectOption('startup');
  await form.getByRole('button', { name: 'Create key' }).click();

  const panel = page.getByRole('status', { name: 'New key' });
  await panel.getByText('You will not see these again.').waitFor();
  const secret = (await panel.getByTestId('new-key').textContent())!.trim();
  expect(secret).toMatch(/^tr_/);
  expect((await panel.getByTestId('new-signing-secret').textContent())!.trim()).toMatch(/^sk_/);
  await expect.poll(() => form.count(), POLL).toBe(0);

  // The key authenticates, with what the form asked for; the list has it while the secret is shown.
  const me = await api.call('GET', '/v1/inbox', { key: secret });
  expect(me.status).toBe(200);
  const row = page.getByRole('row').filter({ hasText: 'billing-service' });
  await row.getByText('active').waitFor({ timeout: 4_000 });
  const keyId = (await row.textContent())!.match(/key_[0-9a-z]{26}/)![0];
  // Nothing else makes secrets until these are saved: a second key would replace them on screen.
  expect(await page.getByRole('button', { name: 'New key' }).isDisabled()).toBe(true);
  expect(await row.getByRole('button', { name: 'Rotate' }).isDisabled()).toBe(true);
  const stored = await api.call('GET', `/v1/api-keys/${keyId}`, { key: ADMIN_TOKEN });
  expect(stored.body).toMatchObject({ name: 'billing-service', tier: 'startup', scopes: ['events:read', 'events:write', 'webhooks:manage', 'analytics:read'] });
  expect((await api.call('GET', '/dashboard/api/keys', { key: secret })).status).toBe(403);

  // Copy puts the key on the clipboard.
  await chrome.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: api.url });
  await panel.getByRole('button', { name: 'Copy key' }).click();
  await panel.getByRole('button', { name: 'Copied' }).waitFor();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);

  // Not in the URL, storage or console; gone from the page once saved.
  expect(page.url()).not.toContain(secret);
  expect(await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }))).not.toContain(secret);
  // A phone-sized screen shows the secrets whole, without scrolling sideways.
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.setViewportSize({ width: 1280, height: 900 });
  await panel.getByRole('button', { name: 'I have saved it' }).click();
  await panel.waitFor({ state: 'detached' });
  expect(await page.getByRole('button', { name: 'New key' }).isDisabled()).toBe(false);
  expect(await page.content()).not.toContain(secret);
  expect(consoleLines.filter((l) => l.includes(secret))).toEqual([]);
  expect(chrome.errors).toEqual([]);
});

it("shows the API's refusal beside each field it names, and sends nothing it did not", async () => {
  const { page } = chrome;
  await signIn(page, ADMIN_TOKEN);
  await page.getByRole('button', { name: 'New key' }).click();
  const form = page.getByRole('form', { name: 'New API key' });
  await form.getByLabel('Name').fill('   ');
  await form.getByLabel('Tenant').fill('tnt_NOT-A-TENANT');
  for (const scope of KEY_SCOPES) await form.getByLabel(scope).uncheck();
  await form.getByRole('button', { name: 'Create key' }).click();

  // The same body straight to the API: the page shows its messages, each under its own field.
  const refused = await api.call('POST', '/v1/api-keys', { key: ADMIN_TOKEN, body: { name: '   ', scopes: [], tier: 'free', tenant_id: 'tnt_NOT-A-TENANT' } });
  expect(refused.status).toBe(400);
  const said = Object.fromEntries((refused.body.error.details as Array<{ field: string; message: string }>).map((d) => [d.field, d.message]));
  expect(Object.keys(said).sort()).toEqual(['body.name', 'body.scopes', 'body.tenant_id']);
  for (const [label, field] of [
    ['Name', 'body.name'],
    ['Tenant', 'body.tenant_id'],
  ] as const) {
    const input = form.getByLabel(label);
    await expect.poll(() => input.getAttribute('aria-invalid'), POLL).toBe('true');
    expect(await describedBy(input)).toBe(said[field]);
  }
  expect(await describedBy(form.getByRole('group', { name: 'Scopes' }))).toBe(said['body.scopes']);
  // The hint stays under the error: it says how to start a new tenant.
  await form.getByText('Leave empty to start a new tenant', { exact: false }).waitFor();
  expect(await form.getByRole('alert').count()).toBe(0);

  // Fixed, the form goes through; no key was made by the refused attempts.
  await form.getByLabel('Name').fill('reporting');
  await form.getByLabel('Tenant').fill('');
  await form.getByLabel('analytics:read').check();
  await form.getByRole('button', { name: 'Create key' }).click();
  await page.getByRole('status', { name: 'New key' }).waitFor();
  const listed = await api.call('GET', '/dashboard/api/keys', { key: ADMIN_TOKEN });
  expect(listed.body.keys.filter((k: { name: string }) => k.name.trim() === '')).toEqual([]);
  expect(chrome.errors).toEqual([]);
});

it("adds a key to an existing tenant, which then sees that tenant's data", async () => {
  const owner = await api.createKey({ name: 'shop-owner' });
  const hook = await api.call('POST', '/v1/webhooks', { key: owner.api_key, body: { url: 'http://127.0.0.1:9/hook', events: ['*'] } });
  expect(hook.status).toBe(201);
  const { page } = chrome;
  await signIn(page, ADMIN_TOKEN);
  // The list names each key's tenant, so the admin can find the id to give.
  await page.getByRole('row').filter({ hasText: 'shop-owner' }).getByText(owner.tenant_id).waitFor();
  await page.getByRole('button', { name: 'New key' }).click();
  const form = page.getByRole('form', { name: 'New API key' });
  await form.getByLabel('Name').fill('shop-second');
  await form.getByLabel('Tenant').fill(owner.tenant_id);
  await form.getByRole('button', { name: 'Create key' }).click();
  const panel = page.getByRole('status', { name: 'New key' });
  await panel.getByText(`Tenant ${owner.tenant_id}`).waitFor();
  const secret = (await panel.getByTestId('new-key').textContent())!.trim();
  const seen = await api.call('GET', '/v1/webhooks', { key: secret });
  expect(seen.body.webhooks.map((w: { webhook_id: string }) => w.webhook_id)).toEqual([hook.body.webhook_id]);
  expect(chrome.errors).toEqual([]);
});

it('gives a key with keys:manage no New key button: only the admin creates keys', async () => {
  const manager = await api.createKey({ name: 'manager', scopes: ['keys:manage'] });
  const { page } = chrome;
  await signIn(page, manager.api_key);
  await page.getByRole('row').filter({ hasText: 'manager' }).waitFor();
  expect(await page.getByRole('button', { name: 'New key' }).count()).toBe(0);
  expect(chrome.errors).toEqual([]);
});

it('shows the signing secret a rotation makes, and it signs requests for a key that requires them', async () => {
  const { page } = chrome;
  await signIn(page, ADMIN_TOKEN);
  await page.getByRole('button', { name: 'New key' }).click();
  const form = page.getByRole('form', { name: 'New API key' });
  await form.getByLabel('Name').fill('signed-client');
  await form.getByLabel('Request signing').selectOption('required');
  await form.getByRole('button', { name: 'Create key' }).click();
  const panel = page.getByRole('status', { name: 'New key' });
  const first = { key: (await panel.getByTestId('new-key').textContent())!.trim(), signing: (await panel.getByTestId('new-signing-secret').textContent())!.trim() };
  expect((await api.call('GET', '/v1/inbox', { key: first.key })).status).toBe(401);
  expect((await signedGet(first.key, first.signing, '/v1/inbox')).status).toBe(200);
  await panel.getByRole('button', { name: 'I have saved it' }).click();

  // Rotated with a new key's form open: the form waits until the rotation's secrets are saved.
  await page.getByRole('button', { name: 'New key' }).click();
  const row = page.getByRole('row').filter({ hasText: 'signed-client' });
  await row.getByRole('button', { name: 'Rotate' }).click();
  await page.getByLabel(/Transition period/).fill('0');
  await page.getByRole('dialog').getByRole('button', { name: 'Rotate' }).click();
  await panel.getByText('The previous version is expired').waitFor();
  expect(await form.getByRole('button', { name: 'Create key' }).isDisabled()).toBe(true);
  const next = { key: (await panel.getByTestId('new-key').textContent())!.trim(), signing: (await panel.getByTestId('new-signing-secret').textContent())!.trim() };
  expect(next.signing).not.toBe(first.signing);
  expect((await signedGet(next.key, next.signing, '/v1/inbox')).status).toBe(200);
  expect((await signedGet(next.key, first.signing, '/v1/inbox')).status).toBe(401);
  await panel.getByRole('button', { name: 'I have saved it' }).click();
  expect(await form.getByRole('button', { name: 'Create key' }).isDisabled()).toBe(false);
  expect(chrome.errors).toEqual([]);
});

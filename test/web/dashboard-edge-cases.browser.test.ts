// The dashboard in headless Chromium at the edges a busy tenant reaches: more deliveries than the
// history shows, more dead letters than a page holds, a webhook URL of hundreds of characters, a key
// revoked while it is signed in, and an edit that clears a field. Each test signs in afresh against
// one real server and receiver.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { deadKeyOf } from '../../reference-server/src/store/dlq-store.js';
import { ensureDashboardBuilt } from '../../reference-server/src/web/build-dashboard.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { ADMIN_TOKEN, startTestApi, type CreatedKey, type TestApi } from '../support/test-api.js';
import { waitFor } from '../support/wait-for.js';
import { launchChromium, type Chromium } from './support/chromium.js';
import { signIn as signInAt } from './support/sign-in.js';

let api: TestApi;
let receiver: Receiver;
let chrome: Chromium;
/** Waits for what the page shows: bounded, generous for a shared machine. */
const POLL = { timeout: 10_000 };

beforeAll(async () => {
  await ensureDashboardBuilt();
  receiver = await startReceiver();
  api = await startTestApi({ WEBHOOK_RETRY_SCHEDULE: '50', WEBHOOK_RETRY_JITTER: '0' });
  chrome = await launchChromium();
}, 60_000);

afterAll(async () => {
  await chrome?.close();
  await api?.close();
  await receiver?.close();
});

async function signIn(page: Page, credential: string): Promise<void> {
  await signInAt(page, `${api.url}/dashboard/`, credential);
}

async function createWebhook(key: CreatedKey, body: Record<string, unknown>): Promise<{ webhook_id: string }> {
  const res = await api.call('POST', '/v1/webhooks', { key: key.api_key, body: { events: ['*'], ...body } });
  expect(res.status).toBe(201);
  return res.body;
}

async function createEvent(key: CreatedKey, eventType: string): Promise<void> {
  const res = await api.call('POST', '/v1/events', { key: key.api_key, body: { source: 'shop', event_type: eventType, payload: {} } });
  expect(res.status).toBe(201);
}

it("shows a webhook's newest deliveries in its history once it has more than the history holds", async () => {
  const key = await api.createKey({ name: 'busy' });
  const webhook = await createWebhook(key, { url: receiver.url });
  for (let i = 0; i < 30; i++) await createEvent(key, i === 29 ? 'order.latest' : 'order.created');
  await waitFor(async () => (await api.call('GET', `/v1/webhooks/${webhook.webhook_id}/deliveries?status=delivered&limit=100`, { key: key.api_key })).body?.deliveries.length === 30, {
    timeoutMs: 15_000,
    message: 'thirty deliveries delivered',
  });

  const { page } = chrome;
  await signIn(page, key.api_key);
  await page.getByRole('link', { name: 'Webhooks' }).click();
  await page.getByRole('button', { name: 'Details' }).click();
  const details = page.getByRole('region', { name: 'Webhook details' });
  await details.getByRole('row').filter({ hasText: 'order.latest' }).waitFor({ timeout: POLL.timeout });
  await expect.poll(() => details.getByRole('row').count(), POLL).toBe(26);
  await expect.poll(() => details.getByRole('heading', { name: /Delivery history/ }).textContent(), POLL).toContain('the 25 newest');
  expect(chrome.errors).toEqual([]);
});

it('pages through a dead-letter queue longer than a page, newest first, and back', async () => {
  const key = await api.createKey({ name: 'dead-letters' });
  // 105 entries, dead a minute apart, written straight into the DLQ table: as many real deliveries
  // running out of attempts would take minutes.
  for (let n = 0; n < 105; n++) {
    const entry = {
      tenant_id: key.tenant_id,
      delivery_id: `dlv_${n.toString().padStart(26, '0')}`,
      webhook_id: 'whk_00000000000000000000000000',
      event_id: `evt_${n.toString().padStart(26, '0')}`,
      event_type: n === 0 ? 'order.oldest' : n === 104 ? 'order.newest' : 'order.created',
      reason: 'http_5xx',
      attempts: 3,
      dead_at: new Date(Date.UTC(2026, 0, 1) + n * 60_000).toISOString(),
    };
    await api.dynamo.doc.send(new PutCommand({ TableName: `${api.deps.config.TABLE_PREFIX}webhook-dlq`, Item: { ...entry, dead_key: deadKeyOf(entry) } }));
  }

  const { page } = chrome;
  await signIn(page, key.api_key);
  await page.getByRole('link', { name: 'Webhooks' }).click();
  const dlq = page.getByRole('region', { name: 'Dead-letter queue' });
  const pager = dlq.getByRole('navigation', { name: 'Dead-letter pages' });
  await dlq.getByRole('cell', { name: 'order.newest' }).waitFor({ timeout: POLL.timeout });
  // The header row and a page of 100.
  await expect.poll(() => dlq.getByRole('row').count(), POLL).toBe(101);
  expect(await pager.textContent()).toContain('Entries 1–100, newest first');
  expect(await pager.getByRole('button', { name: 'Newer' }).isDisabled()).toBe(true);

  await pager.getByRole('button', { name: 'Older' }).click();
  await dlq.getByRole('cell', { name: 'order.oldest' }).waitFor({ timeout: POLL.timeout });
  await expect.poll(() => dlq.getByRole('row').count(), POLL).toBe(6);
  expect(await pager.textContent()).toContain('Entries 101–105, newest first');
  expect(await pager.getByRole('button', { name: 'Older' }).isDisabled()).toBe(true);

  await pager.getByRole('button', { name: 'Newer' }).click();
  await dlq.getByRole('cell', { name: 'order.newest' }).waitFor({ timeout: POLL.timeout });
  expect(await pager.textContent()).toContain('Entries 1–100, newest first');
  expect(chrome.errors).toEqual([]);
});

it('keeps a very long webhook URL and key name inside the window, wide or phone-sized', async () => {
  const key = await api.createKey({ name: `team-${'n'.repeat(120)}` });
  await createWebhook(key, { url: `${receiver.url}/${'segment/'.repeat(60)}?q=${'z'.repeat(200)}` });
  const { page } = chrome;
  await page.setViewportSize({ width: 1280, height: 900 });
  await signIn(page, key.api_key);
  await page.getByRole('link', { name: 'Webhooks' }).click();
  // The replay-by-window form lists every webhook by URL: its select must not widen the page.
  await page.getByRole('form', { name: 'Replay by window' }).waitFor();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(1280);
  await page.setViewportSize({ width: 390, height: 844 });
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.getByRole('link', { name: 'API keys' }).click();
  await page.getByRole('cell', { name: key.key_id }).waitFor();
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.setViewportSize({ width: 1280, height: 900 });
  // At full width the key list fits without scrolling sideways: the long name wraps in its cell.
  const keysTable = page.locator('.table-wrap').first();
  await expect.poll(() => keysTable.evaluate((t) => t.scrollWidth - t.clientWidth), POLL).toBeLessThanOrEqual(0);
  // So does the admin's, which has a tenant column more.
  await signIn(page, ADMIN_TOKEN);
  await page.getByRole('cell', { name: key.key_id }).waitFor();
  await expect.poll(() => keysTable.evaluate((t) => t.scrollWidth - t.clientWidth), POLL).toBeLessThanOrEqual(0);
  expect(chrome.errors).toEqual([]);
});

it('returns to sign-in, saying why, when the signed-in key is revoked', async () => {
  const key = await api.createKey({ name: 'short-lived' });
  const { page } = chrome;
  await signIn(page, key.api_key);
  await page.getByRole('link', { name: 'API keys' }).click();
  await page.getByRole('row').filter({ hasText: key.key_id }).getByRole('button', { name: 'Revoke' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
  // The list reloads with the revoked key: the session is over, and the page says so.
  await expect.poll(() => page.getByRole('alert').textContent(), POLL).toMatch(/^Signed out: invalid or expired API key\. Sign in with a key or token that works\..*401 unauthorized, request id \S+/);
  await page.getByLabel('API key or admin token').waitFor();
  expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
  expect(chrome.errors).toEqual([]);
});

it('clears a webhook description emptied in the edit form', async () => {
  const key = await api.createKey({ name: 'editor' });
  const webhook = await createWebhook(key, { url: receiver.url, description: 'orders for the old billing system' });
  const { page } = chrome;
  await signIn(page, key.api_key);
  await page.getByRole('link', { name: 'Webhooks' }).click();
  await page.getByRole('button', { name: 'Edit' }).click();
  await expect.poll(() => page.getByLabel('Description').inputValue(), POLL).toBe('orders for the old billing system');
  await page.getByLabel('Description').fill('');
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByRole('form', { name: 'Edit webhook' }).waitFor({ state: 'detached' });
  expect((await api.call('GET', `/v1/webhooks/${webhook.webhook_id}`, { key: key.api_key })).body.description || null).toBeNull();
  expect(chrome.errors).toEqual([]);
});

it('keeps row actions inside table cells, so each row lines up with its borders', async () => {
  const key = await api.createKey({ name: 'tidy' });
  await createWebhook(key, { url: receiver.url });
  const { page } = chrome;
  await signIn(page, key.api_key);
  const cellDisplays = () => page.locator('td').evaluateAll((cells) => [...new Set(cells.map((c) => getComputedStyle(c).display))]);
  await page.getByRole('link', { name: 'Webhooks' }).click();
  await page.getByRole('button', { name: 'Details' }).waitFor();
  expect(await cellDisplays()).toEqual(['table-cell']);
  await page.getByRole('link', { name: 'API keys' }).click();
  await page.getByRole('button', { name: 'Versions' }).waitFor();
  expect(await cellDisplays()).toEqual(['table-cell']);
});

it('lists a new webhook while its signing secret is still shown', async () => {
  const key = await api.createKey({ name: 'first-webhook' });
  const { page } = chrome;
  await signIn(page, key.api_key);
  await page.getByRole('link', { name: 'Webhooks' }).click();
  await page.getByText('No webhooks yet.', { exact: false }).waitFor();
  await page.getByRole('button', { name: 'New webhook' }).click();
  await page.getByLabel('Endpoint URL').fill(`${receiver.url}/new`);
  await page.getByRole('button', { name: 'Create webhook' }).click();
  await page.getByRole('heading', { name: 'Webhook created' }).waitFor();
  // Not "No webhooks yet" under the secret: the list has the webhook before Done is pressed, and
  // sooner than the page's own 10-second refresh would bring it.
  await page.getByRole('cell', { name: `${receiver.url}/new` }).waitFor({ timeout: 4_000 });
  expect(chrome.errors).toEqual([]);
});

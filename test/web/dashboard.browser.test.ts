// The dashboard end to end in headless Chromium against the real server, dynalite and a real
// webhook receiver: sign in, see the events just created in the charts, create a webhook, test it,
// see a delivery, replay a dead letter, rotate a key and use the new one, create a key through the
// form and revoke it, add and heal a chaos rule,
// and list scenario runs. Screenshots go to a temp folder, or to docs/images with
// DASHBOARD_SCREENSHOTS=docs/images.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { ensureDashboardBuilt } from '../../reference-server/src/web/build-dashboard.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { ADMIN_TOKEN, startTestApi, type CreatedKey, type TestApi } from '../support/test-api.js';
import { waitFor } from '../support/wait-for.js';
import { launchChromium, type Chromium } from './support/chromium.js';
import { writeRunsFixture } from './support/runs-fixture.js';

let api: TestApi;
let receiver: Receiver;
let chrome: Chromium;
let key: CreatedKey;
let runsDir: string;
/** Waits for what the page shows: bounded, generous for a shared machine. */
const POLL = { timeout: 10_000 };
const shots = process.env.DASHBOARD_SCREENSHOTS ? resolve(process.env.DASHBOARD_SCREENSHOTS) : mkdtempSync(join(tmpdir(), 'dashboard-shots-'));

beforeAll(async () => {
  await ensureDashboardBuilt();
  runsDir = writeRunsFixture();
  receiver = await startReceiver();
  api = await startTestApi(
    { WEBHOOK_RETRY_SCHEDULE: '50,50', WEBHOOK_RETRY_JITTER: '0', ANALYTICS_FLUSH_MS: '100', ANALYTICS_POLL_MS: '50' },
    { dashboard: { runsDir } },
  );
  key = await api.createKey({ name: 'dashboard-e2e' });
  chrome = await launchChromium();
  mkdirSync(shots, { recursive: true });
}, 60_000);

afterAll(async () => {
  await chrome?.close();
  await api?.close();
  await receiver?.close();
  rmSync(runsDir, { recursive: true, force: true });
  if (!process.env.DASHBOARD_SCREENSHOTS) rmSync(shots, { recursive: true, force: true });
});

async function createEvent(source: string, eventType: string): Promise<void> {
  const res = await api.call('POST', '/v1/events', { key: key.api_key, body: { source, event_type: eventType, payload: { n: 1 } } });
  expect(res.status).toBe(201);
}

async function signIn(page: Page, credential: string): Promise<void> {
  await page.goto(`${api.url}/dashboard/`);
  // By keyboard: the field is focusable and Enter submits.
  await page.getByLabel('API key or admin token').focus();
  await page.keyboard.type(credential);
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('API key or admin token').waitFor();
}

it('signs in, charts fresh events, manages webhooks, DLQ, keys, chaos and runs, without console errors', async () => {
  const { page } = chrome;
  await createEvent('shop', 'order.created');
  await createEvent('shop', 'order.created');
  await createEvent('crm', 'user.signup');
  await waitFor(async () => (await api.call('GET', '/v1/analytics/summary', { key: key.api_key })).body?.total_events === 3, { message: 'analytics shows 3 events' });

  // A wrong credential is refused with the API's message and request id.
  await page.goto(`${api.url}/dashboard/`);
  await page.getByLabel('API key or admin token').fill('tr_not_a_key');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => page.getByRole('alert').textContent(), POLL).toMatch(/invalid or expired API key.*401 unauthorized, request id \S+/);
  await page.screenshot({ path: join(shots, 'dashboard-sign-in.png') });

  // Analytics: the cards, the volume chart and the distributions show the three events.
  await signIn(page, key.api_key);
  await expect.poll(() => page.getByRole('group', { name: 'Total events' }).textContent(), POLL).toContain('3');
  await page.getByTestId('volume-chart').locator('.recharts-bar-rectangle').first().waitFor();
  const sources = page.getByRole('region', { name: 'Top sources' });
  await expect.poll(() => sources.textContent(), POLL).toMatch(/shop.*2 · 66\.7%.*crm.*1 · 33\.3%/);
  // In UTC, as every time on the dashboard, not in the browser's zone and clock style.
  await expect.poll(() => page.getByText(/Last updated/).textContent(), POLL).toMatch(/^Last updated \d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
  await page.screenshot({ path: join(shots, 'dashboard-analytics.png'), fullPage: true });
  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
  expect(csv.suggestedFilename()).toMatch(/^analytics-hourly-.*\.csv$/);
  expect(readFileSync((await csv.path())!, 'utf8')).toMatch(/^period_start,period_end,metric_type,event_count/);

  // Webhooks: the form refuses a bad filter, then creates one to the real receiver.
  await page.getByRole('link', { name: 'Webhooks' }).click();
  await page.getByRole('button', { name: 'New webhook' }).click();
  await page.getByLabel('Endpoint URL').fill(receiver.url);
  await page.getByLabel('Event types').fill('order..created');
  await page.getByRole('button', { name: 'Create webhook' }).click();
  await page.getByText(/"order\.\.created" is not an event type/).waitFor();
  await page.getByLabel('Event types').fill('order.*');
  await page.getByRole('button', { name: 'Create webhook' }).click();
  await expect.poll(() => page.locator('code.secret').textContent(), POLL).toMatch(/^whsec_/);
  await page.getByRole('button', { name: 'Done' }).click();
  await page.getByRole('cell', { name: receiver.url }).waitFor();

  // Send test reaches the receiver and shows its answer.
  await page.getByRole('button', { name: 'Details' }).click();
  await page.getByRole('button', { name: 'Send test' }).click();
  await page.getByText(/Test delivered: 200/).waitFor();
  expect(receiver.json<{ type: string }>().filter((b) => b.type === 'webhook.test')).toHaveLength(1);

  // A new order event is delivered; one the receiver keeps refusing is dead-lettered. Once the API
  // shows both, a reload (the credential survives it, kept for the tab) shows them on the page.
  receiver.respond((r) => ({ status: /order\.(refunded|cancelled)/.test(r.body) ? 500 : 200 }));
  await createEvent('shop', 'order.paid');
  await createEvent('shop', 'order.refunded');
  await createEvent('shop', 'order.cancelled');
  await waitFor(async () => (await api.call('GET', '/v1/webhooks/dlq', { key: key.api_key })).body?.entries.length === 2, { timeoutMs: 15_000, message: 'the refused deliveries are dead-lettered' });
  await waitFor(() => receiver.received.some((r) => r.body.includes('order.paid')), { message: 'order.paid is delivered' });
  await page.reload();
  await page.getByRole('button', { name: 'Details' }).click();
  const details = page.getByRole('region', { name: 'Webhook details' });
  await details.getByRole('row').filter({ hasText: 'order.paid' }).getByRole('cell', { name: /^#1 200 / }).waitFor();
  await details.getByRole('row').filter({ hasText: 'order.refunded' }).getByText('dead').waitFor();
  const dlq = page.getByRole('region', { name: 'Dead-letter queue' });
  await dlq.getByRole('cell', { name: 'order.refunded' }).waitFor();
  await page.screenshot({ path: join(shots, 'dashboard-webhooks.png'), fullPage: true });

  // Once the receiver recovers, Replay sends one dead letter again, and a window replay the rest.
  receiver.respond(() => ({ status: 200 }));
  const before = receiver.received.length;
  await dlq.getByRole('row').filter({ hasText: 'order.refunded' }).getByRole('button', { name: 'Replay', exact: true }).click();
  await dlq.getByText(/queued again/).waitFor();
  await waitFor(() => receiver.received.slice(before).some((r) => r.body.includes('order.refunded')), { message: 'the replayed delivery arrives' });
  await dlq.getByRole('cell', { name: 'order.refunded' }).waitFor({ state: 'detached' });
  // The window is typed in UTC as every time is shown; a time that is none, or a window the API
  // refuses, is named beside its field.
  const since = dlq.getByLabel('Since (UTC)');
  const typed = await since.inputValue();
  expect(typed).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d$/);
  await since.fill('yesterday');
  await dlq.getByRole('button', { name: 'Replay window' }).click();
  await dlq.getByText('Enter a UTC time like 2026-01-31 13:05').waitFor();
  await since.fill('2999-01-01 00:00');
  await dlq.getByRole('button', { name: 'Replay window' }).click();
  await dlq.getByText('since must not be after until').waitFor();
  expect(await since.getAttribute('aria-invalid')).toBe('true');
  await since.fill(typed);
  await dlq.getByRole('button', { name: 'Replay window' }).click();
  await dlq.getByText('1 delivery queued again.').waitFor();
  await waitFor(() => receiver.received.slice(before).some((r) => r.body.includes('order.cancelled')), { message: 'the window replay arrives' });
  await dlq.getByText('Nothing dead-lettered.').waitFor();

  // Edit saves through PUT; Delete asks first (Escape cancels, by keyboard) and then removes it.
  await page.getByRole('button', { name: 'Edit' }).click();
  await page.getByLabel('Description').fill('orders to the test receiver');
  await page.getByRole('button', { name: 'Save' }).click();
  await waitFor(async () => (await api.call('GET', '/v1/webhooks', { key: key.api_key })).body?.webhooks[0]?.description === 'orders to the test receiver', { message: 'the edit is saved' });
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog').waitFor();
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'hidden' });
  await page.getByRole('cell', { name: receiver.url }).waitFor();
  await page.getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await page.getByText('No webhooks yet.', { exact: false }).waitFor();

  // Keys (admin): rotate with a transition period; the new key is shown once and works.
  await signOut(page);
  await signIn(page, ADMIN_TOKEN);
  await page.getByRole('link', { name: 'API keys' }).click();
  const row = page.getByRole('row').filter({ hasText: key.key_id });
  await row.getByRole('button', { name: 'Rotate' }).click();
  await page.getByLabel(/Transition period/).fill('1');
  await page.getByRole('dialog').getByRole('button', { name: 'Rotate' }).click();
  const newKey = (await page.getByTestId('new-key').textContent())!.trim();
  expect(newKey).toMatch(/^tr_/);
  await row.getByText('rotating').waitFor();
  await row.getByRole('button', { name: 'Versions' }).click();
  await expect.poll(() => page.getByRole('region', { name: 'Version history' }).textContent(), POLL).toMatch(/v1\s*rotating.*v2\s*active/);
  await page.screenshot({ path: join(shots, 'dashboard-keys.png'), fullPage: true });
  await page.getByRole('button', { name: 'I have saved it' }).click();

  // New key (admin): the API refuses a malformed tenant id beside that field; given the tenant's id,
  // the key is made there, shown once, and works.
  await page.getByRole('button', { name: 'New key' }).click();
  const form = page.getByRole('form', { name: 'New API key' });
  await form.getByLabel('Name').fill('to-revoke');
  await form.getByLabel('Tenant').fill('tnt_shop');
  await form.getByLabel('keys:manage').uncheck();
  await form.getByRole('button', { name: 'Create key' }).click();
  await form.getByText('Invalid string: must match pattern').waitFor();
  await page.screenshot({ path: join(shots, 'dashboard-keys-new.png'), fullPage: true });
  await form.getByLabel('Tenant').fill(key.tenant_id);
  await form.getByRole('button', { name: 'Create key' }).click();
  const created = (await page.getByTestId('new-key').textContent())!.trim();
  expect((await api.call('GET', '/v1/inbox', { key: created })).status).toBe(200);
  const revokeRow = page.getByRole('row').filter({ hasText: 'to-revoke' });
  await revokeRow.waitFor();
  await page.screenshot({ path: join(shots, 'dashboard-keys-created.png'), fullPage: true });
  await page.getByRole('button', { name: 'I have saved it' }).click();
  await revokeRow.getByRole('button', { name: 'Revoke' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Revoke' }).click();
  await revokeRow.getByText('revoked').waitFor();
  expect((await api.call('GET', '/v1/inbox', { key: created })).status).toBe(401);

  // Chaos (admin): with injection on, a preset rule appears with its remaining time, its injections
  // are counted and logged, and the kill switch heals it. Pages are links, followed by keyboard here.
  await page.getByRole('link', { name: 'Chaos' }).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Turn injection on' }).click();
  await page.getByText('Injection is on', { exact: false }).waitFor();
  await page.getByLabel('Preset').selectOption({ label: 'DynamoDB latency 100–500 ms for 60 s' });
  await page.getByRole('button', { name: 'Add rule' }).click();
  const rules = page.getByRole('region', { name: 'Active rules' });
  const rule = rules.getByRole('row').filter({ hasText: /dash-db-latency-/ });
  await rule.waitFor();
  await expect.poll(() => rule.getByRole('cell', { name: /^(1m 00s|\d{1,2}s)$/ }).count(), POLL).toBe(1);
  await createEvent('shop', 'order.created');
  const log = page.getByRole('region', { name: 'Injection log' });
  await expect.poll(() => log.getByRole('row').filter({ hasText: 'latency' }).count(), POLL).toBeGreaterThan(0);
  expect(await log.getByRole('row').filter({ hasText: 'latency' }).first().getByRole('cell').nth(1).textContent()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} UTC$/);
  await expect.poll(async () => Number(await rule.getByRole('cell').nth(5).textContent()), POLL).toBeGreaterThan(0);
  await page.screenshot({ path: join(shots, 'dashboard-chaos.png'), fullPage: true });
  await page.getByRole('button', { name: 'Heal all (kill switch)' }).click();
  await page.getByText('Healed 1 rule(s).').waitFor();
  await rules.getByText('No rules: nothing is being injected.').waitFor();
  expect((await api.call('GET', '/_chaos/rules', { key: ADMIN_TOKEN })).body.rules).toEqual([]);
  await page.getByRole('button', { name: 'Pause injection' }).click();
  await page.getByText('Injection is paused', { exact: false }).waitFor();

  // Runs (admin): verdicts from the journals, and the report opens in a new tab.
  await page.getByRole('link', { name: 'Runs' }).click();
  const passed = page.getByRole('row').filter({ hasText: 'Receiver outage, then recovery' });
  await passed.getByText('passed').waitFor();
  await page.getByRole('row').filter({ hasText: 'DynamoDB throttling' }).getByText('failed (deviated)').waitFor();
  // Why it deviated, from the journal's errors, beside the verdict.
  await page.getByRole('row').filter({ hasText: 'DynamoDB throttling' }).getByText('step "throttle writes" never fired').waitFor();
  await page.screenshot({ path: join(shots, 'dashboard-runs.png'), fullPage: true });
  const [report] = await Promise.all([chrome.context.waitForEvent('page'), passed.getByRole('link', { name: 'Open report' }).click()]);
  await report.getByRole('heading', { name: /Receiver outage, then recovery: passed/ }).waitFor();
  await report.getByText('inline script ran').waitFor();
  await report.close();

  // The rotated key signs in to the same tenant's data; on a phone-sized screen nothing overflows.
  await signOut(page);
  await page.setViewportSize({ width: 390, height: 844 });
  await waitFor(async () => (await api.call('GET', '/v1/analytics/summary', { key: newKey })).body?.total_events === 7, { message: 'the new key reads 7 events' });
  await signIn(page, newKey);
  await expect.poll(() => page.getByRole('group', { name: 'Total events' }).textContent(), POLL).toContain('7');
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.screenshot({ path: join(shots, 'dashboard-narrow.png'), fullPage: true });

  expect(chrome.errors).toEqual([]);
}, 120_000);

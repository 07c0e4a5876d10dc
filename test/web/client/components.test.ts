// Dashboard components and page rules rendered to HTML in Node (react-dom/server): cheaper than a
// browser for what they decide: what an error shows, what a distribution reads as, which pages a
// credential sees, how health and verdicts are worded.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { expect, it } from 'vitest';
import { ApiClient, ApiFailure } from '../../../reference-server/src/web/client/api-client.js';
import { pagesFor } from '../../../reference-server/src/web/client/app.js';
import { errorRateHint, errorRateValue, loadSeries, volumeChart } from '../../../reference-server/src/web/client/pages/analytics-page.js';
import { describeDetail } from '../../../reference-server/src/web/client/pages/chaos-page.js';
import { DataTable } from '../../../reference-server/src/web/client/components/data-table.js';
import { ErrorBanner } from '../../../reference-server/src/web/client/components/error-banner.js';
import { ShareList } from '../../../reference-server/src/web/client/components/share-list.js';
import { verdictOf } from '../../../reference-server/src/web/client/pages/runs-page.js';
import { healthOf, loadWebhooks } from '../../../reference-server/src/web/client/pages/webhooks-page.js';
import { createKeyBody } from '../../../reference-server/src/web/client/pages/key-form.js';
import { tenantsOf } from '../../../reference-server/src/web/client/pages/keys-page.js';
import { NewKeyPanel } from '../../../reference-server/src/web/client/pages/new-key-panel.js';
import type { ApiKey, CreatedKey, RunSummary, Scope, Webhook } from '../../../reference-server/src/web/client/types.js';

it('shows an API error with its message, status, code and request id, as an alert', () => {
  const html = renderToStaticMarkup(createElement(ErrorBanner, { error: new ApiFailure(409, 'conflict', 'only the active version can be rotated', 'req_42') }));
  expect(html).toContain('role="alert"');
  expect(html).toContain('only the active version can be rotated');
  expect(html).toContain('409 conflict, request id req_42');
  expect(renderToStaticMarkup(createElement(ErrorBanner, { error: undefined }))).toBe('');
});

it('shows a list as loading before its first answer, as its sentence when empty, else as a table with headings', () => {
  const table = (count: number | undefined, loading = false) =>
    renderToStaticMarkup(createElement(DataTable, { columns: ['Name', ''], count, loading, empty: 'No keys.', children: createElement('tr', null, createElement('td', null, 'k1')) }));
  expect(table(undefined, true)).toBe('<p class="loading">Loading…</p>');
  expect(table(undefined)).toBe('');
  expect(table(0)).toBe('<p class="empty">No keys.</p>');
  expect(table(1)).toBe('<div class="table-wrap"><table><thead><tr><th>Name</th><th></th></tr></thead><tbody><tr><td>k1</td></tr></tbody></table></div>');
});

it('lists a distribution with counts and percentages, or says it is empty', () => {
  const html = renderToStaticMarkup(createElement(ShareList, { title: 'Top sources', empty: 'No sources yet.', shares: [{ name: 'shop', count: 2, share: 2 / 3 }] }));
  expect(html).toContain('shop');
  expect(html).toContain('2 · 66.7%');
  expect(renderToStaticMarkup(createElement(ShareList, { title: 'Top sources', empty: 'No sources yet.', shares: [] }))).toContain('No sources yet.');
});

it('shows tenant pages by scope to a key, and operator pages to the admin, chaos only outside production', () => {
  expect(pagesFor({ kind: 'admin', chaos: true })).toEqual(['keys', 'chaos', 'runs']);
  expect(pagesFor({ kind: 'admin', chaos: false })).toEqual(['keys', 'runs']);
  const key = { kind: 'key' as const, key_id: 'key_1', tenant_id: 'tnt_1', name: 'k', chaos: false as const };
  expect(pagesFor({ ...key, scopes: ['analytics:read', 'webhooks:manage', 'keys:manage', 'events:write'] })).toEqual(['analytics', 'webhooks', 'keys']);
  expect(pagesFor({ ...key, scopes: ['analytics:read'] })).toEqual(['analytics']);
  expect(pagesFor({ ...key, scopes: ['events:read'] })).toEqual([]);
});

it('words a webhook health from its state: disabled with the reason, failing, healthy', () => {
  const base: Webhook = { webhook_id: 'wh_1', url: 'https://x', events: ['*'], description: null, is_active: true, disabled_reason: null, consecutive_failures: 0, created_at: '', updated_at: '' };
  expect(healthOf(base)).toEqual({ label: 'healthy', tone: 'ok' });
  expect(healthOf({ ...base, consecutive_failures: 3 })).toEqual({ label: '3 failing in a row', tone: 'warn' });
  expect(healthOf({ ...base, is_active: false, disabled_reason: '5 deliveries exhausted' })).toEqual({ label: 'disabled: 5 deliveries exhausted', tone: 'bad' });
  // The reason the worker writes says "disabled" itself, once.
  expect(healthOf({ ...base, is_active: false, disabled_reason: 'disabled after 5 consecutive failed deliveries' }).label).toBe('disabled after 5 consecutive failed deliveries');
});

it('calls a run passed when it completed with every gate and checker held, and warns when it deviated', () => {
  const run: RunSummary = { name: 'r', title: 't', status: 'completed', deviated: false, problems: [], problem_count: 0, seed: 1, started_at: null, ended_at: null, gates: { total: 2, failed: 0 }, checkers: { total: 1, failed: 0 }, has_report: true };
  expect(verdictOf(run).label).toBe('passed');
  expect(verdictOf({ ...run, gates: { total: 2, failed: 1 } }).label).toBe('failed');
  // As the runner's exit code and report have it: a deviation does not turn a pass into a failure.
  expect(verdictOf({ ...run, deviated: true })).toEqual({ label: 'passed (deviated)', tone: 'warn' });
  expect(verdictOf({ ...run, status: 'failed', deviated: true, gates: { total: 2, failed: 1 } })).toEqual({ label: 'failed (deviated)', tone: 'bad' });
  expect(verdictOf({ ...run, status: 'interrupted' })).toEqual({ label: 'interrupted', tone: 'warn' });
  expect(verdictOf({ ...run, error: 'journal.json is missing' })).toEqual({ label: 'journal.json is missing', tone: 'warn' });
});

it('describes what an injection drew, skipping nested and empty values', () => {
  expect(describeDetail({ delay_ms: 312.456, phase: 'after', nested: { a: 1 }, none: null })).toBe('delay_ms 312.46, phase after');
  expect(describeDetail({})).toBe('—');
});

it('says what the error rate counts: failed requests of all requests, and failed delivery attempts of all attempts', () => {
  // 16 errors over 42 requests and 20 delivery attempts: one request failed, and 15 attempts (26 %).
  expect(errorRateHint({ error_count: 16, request_count: 42, delivery_count: 20, delivery_error_count: 15 })).toBe('1 of 42 requests, 15 of 20 delivery attempts');
  expect(errorRateHint({ error_count: 2, request_count: 40, delivery_count: 0, delivery_error_count: 0 })).toBe('2 of 40 requests');
});

it('charts request errors and failed delivery attempts apart, as the error rate counts them', () => {
  const row = { period_start: '2026-12-06T20:00:00.000Z', event_count: 40, error_count: 21, delivery_error_count: 20 } as Parameters<typeof volumeChart>[0][number];
  expect(volumeChart([row], 'hourly')).toEqual([{ period: '12-06 20h', events: 40, requestErrors: 1, failedAttempts: 20 }]);
  expect(volumeChart([row], 'daily')[0]!.period).toBe('2026-12-06');
});

it('charts every period of the range up to now, zero where the API has no row, so quiet hours keep their place', () => {
  const row = (hour: string, events: number) => ({ period_start: `2026-12-06T${hour}:00:00.000Z`, event_count: events, error_count: 0, delivery_error_count: 0 }) as Parameters<typeof volumeChart>[0][number];
  const now = Date.parse('2026-12-06T05:30:00.000Z');
  const chart = volumeChart([row('01', 3), row('04', 2)], 'hourly', { start: '2026-12-06', end: '2026-12-06', now });
  expect(chart.map((p) => `${p.period}=${p.events}`)).toEqual(['12-06 00h=0', '12-06 01h=3', '12-06 02h=0', '12-06 03h=0', '12-06 04h=2', '12-06 05h=0']);
  const days = volumeChart([{ ...row('00', 7), period_start: '2026-12-06T00:00:00.000Z' }], 'daily', { start: '2026-12-04', end: '2026-12-08', now });
  expect(days.map((p) => `${p.period}=${p.events}`)).toEqual(['2026-12-04=0', '2026-12-05=0', '2026-12-06=7']);
});

it('reads every page of a long range for the chart, not only the first 500 rows', async () => {
  const seen: string[] = [];
  const pages: Record<string, unknown> = {
    first: { data: [{ period_start: '2026-11-01T00:00:00.000Z' }], next_cursor: 'c1' },
    c1: { data: [{ period_start: '2026-12-01T00:00:00.000Z' }], next_cursor: null },
  };
  const api = new ApiClient('k', async (input) => {
    seen.push(String(input));
    return Response.json(pages[new URL(String(input), 'http://x').searchParams.get('cursor') ?? 'first']);
  });
  const rows = await loadSeries(api, 'start_date=2026-11-01&end_date=2026-12-01', 'hourly');
  expect(rows.map((r) => r.period_start)).toEqual(['2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z']);
  expect(seen).toEqual([
    '/v1/analytics?start_date=2026-11-01&end_date=2026-12-01&metric_type=hourly&limit=500',
    '/v1/analytics?start_date=2026-11-01&end_date=2026-12-01&metric_type=hourly&limit=500&cursor=c1',
  ]);
});

it('lists every webhook of a tenant with more than one page of them, and says when it stops short', async () => {
  const page = (n: number, next: string | null) => ({ webhooks: Array.from({ length: n }, (_, i) => ({ webhook_id: `whk_${next}_${i}` })), next_cursor: next });
  const twoPages = new ApiClient('k', async (input) => Response.json(String(input).includes('cursor=') ? page(5, null) : page(100, 'c1')));
  const all = await loadWebhooks(twoPages);
  expect(all.webhooks).toHaveLength(105);
  expect(all.truncated).toBe(false);
  const endless = new ApiClient('k', async () => Response.json(page(100, 'more')));
  expect(await loadWebhooks(endless)).toMatchObject({ truncated: true, webhooks: { length: 1000 } });
});

it('shows no error rate, rather than 0.00%, for a range with no requests and no delivery attempts', () => {
  expect(errorRateValue({ error_rate: 0, request_count: 0, delivery_count: 0 })).toBe('—');
  expect(errorRateValue({ error_rate: 0, request_count: 12, delivery_count: 0 })).toBe('0.00%');
  expect(errorRateValue({ error_rate: 0.0577, request_count: 52, delivery_count: 0 })).toBe('5.77%');
});

it('sends a new key as the form holds it: a blank tenant starts a new one, a blank signing mode keeps the server default', () => {
  const values = { name: ' ci ', tenantId: '  ', scopes: ['keys:manage', 'events:read'] as Scope[], tier: 'startup' as const, signingMode: '' as const };
  // The name goes as typed (the API trims it and judges it); scopes in the API's order.
  expect(createKeyBody(values)).toEqual({ name: ' ci ', scopes: ['events:read', 'keys:manage'], tier: 'startup' });
  expect(createKeyBody({ ...values, tenantId: ' tnt_1 ', signingMode: 'required' })).toMatchObject({ tenant_id: 'tnt_1', signing_mode: 'required' });
  expect(createKeyBody({ ...values, scopes: [] }).scopes).toEqual([]);
});

it('offers each tenant of the key list once, named by its keys', () => {
  const key = (tenant_id: string, name: string) => ({ tenant_id, name }) as ApiKey;
  expect(tenantsOf([key('tnt_a', 'web'), key('tnt_b', 'ci'), key('tnt_a', 'web'), key('tnt_a', 'cron')])).toEqual([
    { tenant_id: 'tnt_a', names: ['web', 'cron'] },
    { tenant_id: 'tnt_b', names: ['ci'] },
  ]);
});

it('shows a new key and its signing secret once, each with a copy button, and says they will not be shown again', () => {
  const created = { name: 'ci', api_key: 'tr_secret', signing_secret: 'sk_secret' } as CreatedKey;
  const html = renderToStaticMarkup(createElement(NewKeyPanel, { title: 'Key ci created', created, onDone: () => {} }));
  expect(html).toContain('You will not see these again.');
  expect(html).toContain('tr_secret');
  expect(html).toContain('sk_secret');
  expect(html).toContain('Copy key');
  expect(html).toContain('Copy signing secret');
});

// The DLQ listing filtered by webhook pages through the tenant's entries until a page is full: a page
// of another webhook's entries is not handed back empty with `has_more`, and the last page says so.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../support/test-api.js';

let api: TestApi;
beforeAll(async () => {
  // No worker and no sweep: the entries written here name deliveries that do not exist.
  api = await startTestApi({ WORKER_ENABLED: 'false', WEBHOOK_SWEEP_MS: '600000' });
});
afterAll(async () => api?.close());

const deliveryId = (n: number) => `dlv_${n.toString(16).padStart(26, '0')}`;
const WEBHOOK_A = 'whk_aaaaaaaaaaaaaaaaaaaaaaaaaa';
const WEBHOOK_B = 'whk_bbbbbbbbbbbbbbbbbbbbbbbbbb';

type Page = { entries: { delivery_id: string; webhook_id: string }[]; next_cursor: string | null; has_more: boolean };

it('fills each page of a webhook\'s dead deliveries past other webhooks\' entries, and ends with has_more false', async () => {
  const { api_key: key, tenant_id: tenant } = await api.createKey();
  // Ten of A's entries come first in the table's order, then five of B's, then five more of A's.
  const owners = [...Array(10).fill(WEBHOOK_A), ...Array(5).fill(WEBHOOK_B), ...Array(5).fill(WEBHOOK_A)] as string[];
  for (const [i, webhook] of owners.entries()) {
    await api.deps.stores.dlq.put({ tenant_id: tenant, delivery_id: deliveryId(i + 1), webhook_id: webhook, event_id: `evt_${i}`, event_type: 'order.created', reason: 'http_5xx', attempts: 6, dead_at: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString() });
  }
  const pages: Page[] = [];
  let cursor: string | null = null;
  do {
    const res = await api.call('GET', `/v1/webhooks/dlq?webhook_id=${WEBHOOK_B}&limit=3${cursor ? `&cursor=${cursor}` : ''}`, { key });
    expect(res.status).toBe(200);
    const page = res.body as Page;
    pages.push(page);
    cursor = page.next_cursor;
  } while (cursor && pages.length < 10);
  expect(pages.map((p) => p.entries.length)).toEqual([3, 2]);
  expect(pages.map((p) => p.has_more)).toEqual([true, false]);
  expect(pages.flatMap((p) => p.entries.map((e) => e.delivery_id))).toEqual([11, 12, 13, 14, 15].map(deliveryId));
  expect(pages.flatMap((p) => p.entries.map((e) => e.webhook_id))).toEqual(Array(5).fill(WEBHOOK_B));

  // Unfiltered, a page that ends the table says so too.
  const all = (await api.call('GET', '/v1/webhooks/dlq?limit=20', { key })).body as Page;
  expect(all.entries).toHaveLength(20);
  expect(all.has_more).toBe(false);
});

// The DLQ listing in the order entries died: 250 entries (ids in no time order, many dying in the same
// millisecond) page oldest first and newest first completely, tenant-wide and per webhook, with no
// entry repeated or skipped at a page boundary; a cursor that is not one of the listing's is a 400.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../../support/test-api.js';

let api: TestApi;
beforeAll(async () => {
  // No worker and no sweep: the entries written here name deliveries that do not exist.
  api = await startTestApi({ WORKER_ENABLED: 'false', WEBHOOK_SWEEP_MS: '600000' });
});
afterAll(async () => api?.close());

const WEBHOOK_A = 'whk_aaaaaaaaaaaaaaaaaaaaaaaaaa';
const WEBHOOK_B = 'whk_bbbbbbbbbbbbbbbbbbbbbbbbbb';
const COUNT = 250;

interface Listed {
  delivery_id: string;
  webhook_id: string;
  dead_at: string;
}

/** A delivery id whose order is unrelated to `n`'s (a multiplicative scramble), so id order is not time order. */
const deliveryId = (n: number) => `dlv_${((n * 7_919) % 10_007).toString(16).padStart(26, '0')}`;

async function listAll(key: string, query: string): Promise<{ entries: Listed[]; pages: number[] }> {
  const entries: Listed[] = [];
  const pages: number[] = [];
  let cursor: string | null = null;
  do {
    const res = await api.call('GET', `/v1/webhooks/dlq?limit=100${query}${cursor ? `&cursor=${cursor}` : ''}`, { key });
    expect(res.status).toBe(200);
    entries.push(...(res.body.entries as Listed[]));
    pages.push(res.body.entries.length);
    expect(res.body.has_more).toBe(res.body.next_cursor !== null);
    cursor = res.body.next_cursor;
  } while (cursor && pages.length < 10);
  return { entries, pages };
}

/** Oldest first, ties by delivery id: the order the listing promises. */
const byDeath = (a: Listed, b: Listed) => a.dead_at.localeCompare(b.dead_at) || a.delivery_id.localeCompare(b.delivery_id);

it('pages 250 entries oldest first and newest first, tenant-wide and per webhook, with no repeat and no gap', async () => {
  const { api_key: key, tenant_id: tenant } = await api.createKey();
  const other = await api.createKey();
  const written: Listed[] = [];
  for (let n = 0; n < COUNT; n++) {
    // Five entries share each millisecond, and they are written out of time order.
    const dead_at = new Date(Date.UTC(2026, 5, 1) + ((n * 37) % COUNT) - (((n * 37) % COUNT) % 5)).toISOString();
    const entry = { tenant_id: tenant, delivery_id: deliveryId(n), webhook_id: n % 3 === 0 ? WEBHOOK_B : WEBHOOK_A, event_id: `evt_${n}`, event_type: 'order.created', reason: 'http_5xx', attempts: 6, dead_at };
    await api.deps.stores.dlq.put(entry);
    written.push(entry);
  }
  // Another tenant's entry on the same webhook id is never listed.
  await api.deps.stores.dlq.put({ tenant_id: other.tenant_id, delivery_id: deliveryId(COUNT), webhook_id: WEBHOOK_A, event_id: 'evt_x', event_type: 'x', reason: 'http_5xx', attempts: 6, dead_at: '2026-06-01T00:00:00.100Z' });
  const ids = (entries: Listed[]) => entries.map((e) => e.delivery_id);
  const oldestFirst = [...written].sort(byDeath);

  const asc = await listAll(key, '');
  expect(asc.pages).toEqual([100, 100, 50]);
  expect(ids(asc.entries)).toEqual(ids(oldestFirst));
  const desc = await listAll(key, '&order=desc');
  expect(desc.pages).toEqual([100, 100, 50]);
  expect(ids(desc.entries)).toEqual(ids(oldestFirst).reverse());

  for (const webhook of [WEBHOOK_A, WEBHOOK_B]) {
    const own = oldestFirst.filter((e) => e.webhook_id === webhook);
    expect(ids((await listAll(key, `&webhook_id=${webhook}`)).entries)).toEqual(ids(own));
    expect(ids((await listAll(key, `&webhook_id=${webhook}&order=desc`)).entries)).toEqual(ids(own).reverse());
  }
});

it('lists an entry that dies while a client pages at its place in time, and repeats none', async () => {
  const { api_key: key, tenant_id: tenant } = await api.createKey();
  const put = (n: number, minute: number) =>
    api.deps.stores.dlq.put({ tenant_id: tenant, delivery_id: deliveryId(n), webhook_id: WEBHOOK_A, event_id: `evt_${n}`, event_type: 'x', reason: 'http_5xx', attempts: 6, dead_at: new Date(Date.UTC(2026, 5, 1, 0, minute)).toISOString() });
  for (let n = 0; n < 6; n++) await put(n, n);
  const first = await api.call('GET', '/v1/webhooks/dlq?limit=3&order=desc', { key });
  expect(first.body.entries.map((e: Listed) => e.delivery_id)).toEqual([5, 4, 3].map(deliveryId));
  // A newer entry belongs before the cursor (not listed on this pass); an older one after it.
  await put(10, 30);
  await put(11, 0);
  const rest = await api.call('GET', `/v1/webhooks/dlq?limit=100&order=desc&cursor=${first.body.next_cursor}`, { key });
  // 0 and 11 died in the same minute: newest first, the tie goes by delivery id, descending.
  const tied = [deliveryId(0), deliveryId(11)].sort().reverse();
  expect(rest.body.entries.map((e: Listed) => e.delivery_id)).toEqual([deliveryId(2), deliveryId(1), ...tied]);
  expect(rest.body.has_more).toBe(false);
});

it('answers a cursor that names no position in the listing (one of delivery-id order) with 400 validation_error', async () => {
  const { api_key: key } = await api.createKey();
  const forged = Buffer.from(JSON.stringify({ after: 'dlv_00000000000000000000000001' })).toString('base64url');
  const res = await api.call('GET', `/v1/webhooks/dlq?cursor=${forged}`, { key });
  expect(res.status).toBe(400);
  expect(res.body.error.code).toBe('validation_error');
  const order = await api.call('GET', '/v1/webhooks/dlq?order=newest', { key });
  expect(order.status).toBe(400);
});

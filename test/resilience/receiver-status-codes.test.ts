// The whole status-code space a receiver can answer, end to end and table-driven: one webhook per row,
// one event fanned out to all of them. Only a 2xx is ever recorded delivered; 1xx is never an outcome;
// 3xx is never followed; 410 dead-letters and disables; every other code is retried (Retry-After
// honoured) and the second attempt, answered 200, delivers. A row that keeps failing is dead-lettered.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { waitFor } from '../support/wait-for.js';

interface Row {
  name: string;
  /** Status of the first attempt (later attempts get 200 unless `always`). */
  status: number;
  headers?: Record<string, string>;
  /** An informational response sent before the final one. */
  informational?: number;
  always?: boolean;
  expect: { status: 'delivered' | 'dead'; attempts: number; errorClass?: string | null; disabled?: boolean; minGapMs?: number };
}

const retried = (errorClass: string, extra: Partial<Row['expect']> = {}): Row['expect'] => ({ status: 'delivered', attempts: 2, errorClass, ...extra });
const ROWS: Row[] = [
  { name: '103 then 200', informational: 103, status: 200, expect: { status: 'delivered', attempts: 1, errorClass: null } },
  { name: '102 then 503', informational: 102, status: 503, expect: retried('http_5xx') },
  ...[200, 201, 202, 204].map((status): Row => ({ name: String(status), status, expect: { status: 'delivered', attempts: 1, errorClass: null } })),
  ...[301, 302, 307, 308].map((status): Row => ({ name: `${status} (not followed)`, status, headers: { location: '/redirected' }, expect: retried('http_other') })),
  ...[400, 401, 404, 408, 409, 413].map((status): Row => ({ name: String(status), status, expect: retried('http_4xx') })),
  { name: '410', status: 410, expect: { status: 'dead', attempts: 1, errorClass: 'http_410', disabled: true } },
  { name: '429 without Retry-After', status: 429, expect: retried('http_4xx') },
  { name: '429 with Retry-After: 2', status: 429, headers: { 'retry-after': '2' }, expect: retried('http_4xx', { minGapMs: 2_000 }) },
  ...[500, 502, 504].map((status): Row => ({ name: String(status), status, expect: retried('http_5xx') })),
  { name: '503 with Retry-After: 1', status: 503, headers: { 'retry-after': '1' }, expect: retried('http_5xx', { minGapMs: 1_000 }) },
  { name: '500 on every attempt', status: 500, always: true, expect: { status: 'dead', attempts: 2, errorClass: 'http_5xx', disabled: false } },
];

let api: TestApi;
let server: Server;
const byWebhook = new Map<string, Row>();
const receipts = new Map<string, number[]>();
let redirectedHits = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/redirected') {
      redirectedHits++;
      return res.writeHead(200).end();
    }
    const row = byWebhook.get((req.url ?? '').split('/')[2] ?? '');
    req.resume();
    req.on('end', () => {
      if (!row) return res.writeHead(500).end();
      const times = receipts.get(row.name) ?? [];
      receipts.set(row.name, [...times, Date.now()]);
      const first = times.length === 0;
      if (row.informational === 103) res.writeEarlyHints({ link: '</style.css>; rel=preload' });
      else if (row.informational === 102) res.writeProcessing();
      if (first || row.always) res.writeHead(row.status, row.headers).end();
      else res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  api = await startTestApi({ RATE_LIMIT_ENABLED: 'false', WORKER_POLL_MS: '50', WEBHOOK_RETRY_SCHEDULE: '300', WEBHOOK_RETRY_JITTER: '0', WEBHOOK_TIMEOUT_MS: '2000' });
});
afterAll(async () => {
  await api?.close();
  server?.closeAllConnections();
  await new Promise<void>((r) => server?.close(() => r()));
});

it('records only 2xx as delivered and gives every other class its documented outcome', { timeout: 30_000 }, async () => {
  const { port } = server.address() as AddressInfo;
  const key = (await api.createKey()).api_key;
  const hooks: { row: Row; id: string }[] = [];
  for (const row of ROWS) {
    // Each webhook's URL carries a placeholder replaced by its id, so the receiver knows the row.
    const created = await api.call('POST', '/v1/webhooks', { key, body: { url: `http://127.0.0.1:${port}/hook/pending`, events: ['status.check'] } });
    const id = created.body.webhook_id as string;
    await api.call('PUT', `/v1/webhooks/${id}`, { key, body: { url: `http://127.0.0.1:${port}/hook/${id}` } });
    byWebhook.set(id, row);
    hooks.push({ row, id });
  }
  expect((await api.call('POST', '/v1/events', { key, body: { source: 'codes', event_type: 'status.check', payload: {} } })).status).toBe(201);

  const final = await waitFor(
    async () => {
      const listed = await Promise.all(hooks.map(async (h) => (await api.call('GET', `/v1/webhooks/${h.id}/deliveries`, { key })).body.deliveries?.[0]));
      return listed.every((d) => d && (d.status === 'delivered' || d.status === 'dead')) ? listed : undefined;
    },
    { timeoutMs: 20_000, intervalMs: 200, message: 'every row settled' },
  );
  const dlq = (await api.call('GET', '/v1/webhooks/dlq?limit=100', { key })).body.entries as { webhook_id: string }[];
  for (const [i, h] of hooks.entries()) {
    const d = final[i];
    const seen = { row: h.row.name, status: d.status, attempts: d.attempt_count, first: d.attempts[0].status_code, errorClass: d.attempts[0].error_class };
    expect(seen).toEqual({ row: h.row.name, status: h.row.expect.status, attempts: h.row.expect.attempts, first: h.row.status, errorClass: h.row.expect.errorClass });
    expect(d.attempts.filter((a: { success: boolean }) => a.success).map((a: { status_code: number }) => a.status_code >= 200 && a.status_code < 300)).not.toContain(false);
    expect(receipts.get(h.row.name)).toHaveLength(h.row.expect.attempts);
    if (h.row.expect.minGapMs) {
      const [a, b] = receipts.get(h.row.name)!;
      expect(b! - a!).toBeGreaterThanOrEqual(h.row.expect.minGapMs);
    }
    expect(dlq.some((e) => e.webhook_id === h.id)).toBe(h.row.expect.status === 'dead');
    if (h.row.expect.disabled !== undefined) {
      const hook = await api.call('GET', `/v1/webhooks/${h.id}`, { key });
      expect(hook.body.is_active).toBe(!h.row.expect.disabled);
    }
  }
  expect(redirectedHits).toBe(0);
});

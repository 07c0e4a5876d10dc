// Webhooks end to end on a real server, real workers and real receivers: registration, fan-out,
// signatures, retries, Retry-After, DLQ and replays, 410, auto-disable, filters, updates and deletes.
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../../support/receiver.js';
import { startTestApi, type CreatedKey, type TestApi } from '../../support/test-api.js';
import { waitFor } from '../../support/wait-for.js';

let api: TestApi;
const receivers: Receiver[] = [];
beforeAll(async () => {
  api = await startTestApi({
    WEBHOOK_RETRY_SCHEDULE: '60,120,180',
    WEBHOOK_RETRY_JITTER: '0',
    WORKER_POLL_MS: '50',
    WEBHOOK_TIMEOUT_MS: '1000',
    WEBHOOK_VISIBILITY_TIMEOUT_MS: '3000',
    WEBHOOK_DISABLE_AFTER: '2',
  });
});
afterAll(async () => {
  await api?.close();
  await Promise.all(receivers.map((r) => r.close()));
});

async function receiver(): Promise<Receiver> {
  const r = await startReceiver();
  receivers.push(r);
  return r;
}

async function setup(events: string[] = ['*'], extra: Record<string, unknown> = {}) {
  const key = await api.createKey();
  const r = await receiver();
  const created = await api.call('POST', '/v1/webhooks', { key: key.api_key, body: { url: r.url, events, ...extra } });
  expect(created.status).toBe(201);
  return { key, r, webhook: created.body };
}

const send = (key: CreatedKey, event_type = 'order.created', payload: Record<string, unknown> = { n: 1 }) =>
  api.call('POST', '/v1/events', { key: key.api_key, body: { source: 'shop', event_type, payload } });

describe('webhook management', () => {
  it('registers a webhook, shows the generated secret once, and lists it', async () => {
    const { key, webhook } = await setup(['order.*']);
    expect(webhook.secret).toMatch(/^whsec_/);
    expect(webhook.is_active).toBe(true);
    const read = await api.call('GET', `/v1/webhooks/${webhook.webhook_id}`, { key: key.api_key });
    expect(read.body).not.toHaveProperty('secret');
    expect(JSON.stringify(read.body)).not.toContain(webhook.secret);
    const list = await api.call('GET', '/v1/webhooks?is_active=true', { key: key.api_key });
    expect(list.body.webhooks.map((w: { webhook_id: string }) => w.webhook_id)).toEqual([webhook.webhook_id]);
    expect((await api.call('GET', '/v1/webhooks?is_active=false', { key: key.api_key })).body.webhooks).toEqual([]);
  });

  it('pages through webhooks with a cursor', async () => {
    const key = await api.createKey();
    const r = await receiver();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await api.call('POST', '/v1/webhooks', { key: key.api_key, body: { url: r.url, events: ['*'] } })).body.webhook_id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { webhooks: { webhook_id: string }[]; next_cursor: string | null } } = await api.call('GET', `/v1/webhooks?limit=2${cursor ? `&cursor=${cursor}` : ''}`, { key: key.api_key });
      seen.push(...page.body.webhooks.map((w) => w.webhook_id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen.sort()).toEqual(ids.sort());
  });

  it('rejects bad URLs, bad secrets and bad patterns with the field named', async () => {
    const key = await api.createKey();
    const cases: [Record<string, unknown>, string][] = [
      [{ url: 'ftp://example.com/x', events: ['*'] }, 'body.url'],
      [{ url: 'http://user:pw@example.com/x', events: ['*'] }, 'body.url'],
      // The URL parser would read these as http://x/: a typo must not pick a host.
      [{ url: 'http:///x', events: ['*'] }, 'body.url'],
      [{ url: 'https:/x', events: ['*'] }, 'body.url'],
      [{ url: 'http:\\\\x/y', events: ['*'] }, 'body.url'],
      [{ url: 'http://example.com/x', events: ['*'], secret: 'short' }, 'body.secret'],
      [{ url: 'http://example.com/x', events: ['order.*.x'] }, 'body.events.0'],
      [{ url: 'http://example.com/x', events: [] }, 'body.events'],
    ];
    for (const [body, field] of cases) {
      const res = await api.call('POST', '/v1/webhooks', { key: key.api_key, body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'validation_error', details: [{ field }] });
    }
    const created = await api.call('POST', '/v1/webhooks', { key: key.api_key, body: { url: 'http://x/y', events: ['*'] } });
    expect(created.status).toBe(201);
    const moved = await api.call('PUT', `/v1/webhooks/${created.body.webhook_id}`, { key: key.api_key, body: { url: 'http:///x' } });
    expect(moved.status).toBe(400);
    expect(moved.body.error).toMatchObject({ code: 'validation_error', details: [{ field: 'body.url' }] });
  });

  it('hides webhooks from other tenants with 404', async () => {
    const { webhook } = await setup();
    const other = await api.createKey();
    for (const [method, path] of [['GET', ''], ['PUT', ''], ['DELETE', ''], ['POST', '/test'], ['GET', '/deliveries']] as const) {
      const res = await api.call(method, `/v1/webhooks/${webhook.webhook_id}${path}`, { key: other.api_key, body: method === 'PUT' ? { events: ['*'] } : undefined });
      expect(res.status, `${method} ${path}`).toBe(404);
    }
  });

  it('sends a signed test event synchronously and returns the attempt', async () => {
    const { key, r, webhook } = await setup();
    const res = await api.call('POST', `/v1/webhooks/${webhook.webhook_id}/test`, { key: key.api_key });
    expect(res.body).toMatchObject({ success: true, status_code: 200, error_class: null });
    expect(r.received).toHaveLength(1);
    expect(() => new Webhook(webhook.secret).verify(r.received[0]!.body, r.received[0]!.headers as Record<string, string>)).not.toThrow();
    r.respond(() => ({ status: 503, body: 'down for maintenance' }));
    const failed = await api.call('POST', `/v1/webhooks/${webhook.webhook_id}/test`, { key: key.api_key });
    expect(failed.body).toMatchObject({ success: false, status_code: 503, response_body: 'down for maintenance' });
  });
});

describe('delivery', () => {
  it('delivers a signed event that verifies with standardwebhooks and fails when tampered', async () => {
    const { key, r, webhook } = await setup();
    const event = await send(key, 'order.created', { order: 7 });
    await waitFor(() => r.received.length === 1, { message: 'delivery received' });
    const got = r.received[0]!;
    const body = JSON.parse(got.body);
    expect(body).toMatchObject({ type: 'order.created', webhook_id: webhook.webhook_id, data: { event_id: event.body.event_id, payload: { order: 7 } } });
    const wh = new Webhook(webhook.secret);
    expect(() => wh.verify(got.body, got.headers as Record<string, string>)).not.toThrow();
    expect(() => wh.verify(got.body.replace('7', '8'), got.headers as Record<string, string>)).toThrow();
    expect(got.headers['x-webhook-id']).toBe(body.delivery_id);
    expect(got.headers['x-webhook-signature']).toMatch(/^v1=[0-9a-f]{64}$/);
  });

  it('retries 500, 500, 200 and delivers on attempt 3 with the same webhook id', async () => {
    const { key, r, webhook } = await setup();
    r.respond((req) => ({ status: req.n <= 2 ? 500 : 200 }));
    await send(key);
    await waitFor(async () => (await api.call('GET', `/v1/webhooks/${webhook.webhook_id}/deliveries`, { key: key.api_key })).body.deliveries[0]?.status === 'delivered', { message: 'delivered' });
    expect(r.received).toHaveLength(3);
    expect(new Set(r.received.map((x) => x.headers['webhook-id'])).size).toBe(1);
    expect(r.received.map((x) => x.headers['x-webhook-attempt'])).toEqual(['1', '2', '3']);
    const history = (await api.call('GET', `/v1/webhooks/${webhook.webhook_id}/deliveries`, { key: key.api_key })).body.deliveries[0];
    expect(history.attempts.map((a: { status_code: number }) => a.status_code)).toEqual([500, 500, 200]);
    expect(history.attempts[0].error_class).toBe('http_5xx');
  });

  it('dead-letters after the configured attempts, then DLQ replay delivers', async () => {
    const { key, r, webhook } = await setup();
    r.respond(() => ({ status: 502 }));
    await send(key);
    const dlq = await waitFor(async () => {
      const res = await api.call('GET', '/v1/webhooks/dlq', { key: key.api_key });
      return res.body.entries.length === 1 ? res.body.entries : undefined;
    }, { message: 'dead-lettered' });
    expect(r.received).toHaveLength(4); // 1 attempt + 3 retries
    expect(dlq[0].reason).toContain('HTTP 502');
    expect((await api.call('GET', '/metrics')).text).toMatch(/^webhook_dlq_depth [1-9]\d*$/m);
    r.respond(() => ({ status: 200 }));
    const replay = await api.call('POST', `/v1/webhooks/dlq/${dlq[0].delivery_id}/replay`, { key: key.api_key });
    expect(replay.status).toBe(202);
    await waitFor(() => r.received.length === 5, { message: 'replayed delivery received' });
    await waitFor(async () => (await api.call('GET', `/v1/webhooks/${webhook.webhook_id}/deliveries?status=delivered`, { key: key.api_key })).body.deliveries.length === 1);
    expect((await api.call('GET', '/v1/webhooks/dlq', { key: key.api_key })).body.entries).toEqual([]);
    expect((await api.call('POST', `/v1/webhooks/dlq/${dlq[0].delivery_id}/replay`, { key: key.api_key })).status).toBe(404);
  });

  it('refuses to replay dead letters while their webhook is disabled, keeping them, and replays them once enabled', async () => {
    const { key, r, webhook } = await setup();
    r.respond(() => ({ status: 502 }));
    await send(key);
    const [entry] = await waitFor(async () => {
      const res = await api.call('GET', '/v1/webhooks/dlq', { key: key.api_key });
      return res.body.entries.length === 1 ? res.body.entries : undefined;
    }, { message: 'dead-lettered' });
    await api.call('PUT', `/v1/webhooks/${webhook.webhook_id}`, { key: key.api_key, body: { is_active: false } });
    const one = await api.call('POST', `/v1/webhooks/dlq/${entry.delivery_id}/replay`, { key: key.api_key });
    expect(one.status).toBe(409);
    expect(one.body.error.message).toMatch(/is disabled \(disabled by the owner\): enable it \(PUT is_active: true\), then replay/);
    const window = { since: new Date(Date.now() - 60_000).toISOString(), until: new Date(Date.now() + 60_000).toISOString() };
    expect((await api.call('POST', `/v1/webhooks/${webhook.webhook_id}/replay`, { key: key.api_key, body: window })).status).toBe(409);
    expect((await api.call('GET', '/v1/webhooks/dlq', { key: key.api_key })).body.entries.map((e: { delivery_id: string }) => e.delivery_id)).toEqual([entry.delivery_id]);
    r.respond(() => ({ status: 200 }));
    await api.call('PUT', `/v1/webhooks/${webhook.webhook_id}`, { key: key.api_key, body: { is_active: true } });
    expect((await api.call('POST', `/v1/webhooks/dlq/${entry.delivery_id}/replay`, { key: key.api_key })).status).toBe(202);
    await waitFor(async () => (await api.call('GET', `/v1/webhooks/${webhook.webhook_id}/deliveries?status=delivered`, { key: key.api_key })).body.deliveries.length === 1, { message: 'replayed and delivered' });
  });

  it('replays exactly the failed deliveries of a window, once', async () => {
    const { key, r, webhook } = await setup();
    r.respond((req) => ({ status: JSON.parse(req.body).data.payload.fail ? 500 : 200 }));
    for (const fail of [true, false, true]) await send(key, 'order.created', { fail });
    const deliveries = () => api.call('GET', `/v1/webhooks/${webhook.webhook_id}/deliveries`, { key: key.api_key });
    await waitFor(async () => (await deliveries()).body.deliveries.filter((d: { status: string }) => d.status === 'dead').length === 2, { message: 'two dead' });
    // Two exhausted deliveries in a row auto-disabled the webhook (threshold 2): fix, re-enable, replay.
    // The streak is recorded just after a delivery settles as dead, so wait for it rather than read once.
    await waitFor(async () => (await api.call('GET', `/v1/webhooks/${webhook.webhook_id}`, { key: key.api_key })).body.is_active === false, {
      message: 'auto-disabled after two dead deliveries',
    });
    r.respond(() => ({ status: 200 }));
    await api.call('PUT', `/v1/webhooks/${webhook.webhook_id}`, { key: key.api_key, body: { is_active: true } });
    const window = { since: new Date(Date.now() - 60_000).toISOString(), until: new Date(Date.now() + 60_000).toISOString() };
    const replay = await api.call('POST', `/v1/webhooks/${webhook.webhook_id}/replay`, { key: key.api_key, body: window });
    expect(replay.body.replayed).toBe(2);
    await waitFor(async () => (await deliveries()).body.deliveries.every((d: { status: string }) => d.status === 'delivered'), { message: 'all delivered' });
    const again = await api.call('POST', `/v1/webhooks/${webhook.webhook_id}/replay`, { key: key.api_key, body: window });
    expect(again.body.replayed).toBe(0);
  });

  it('honours Retry-After within bounds', async () => {
    const { key, r } = await setup();
    r.respond((req) => (req.n === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 }));
    await send(key);
    await waitFor(() => r.received.length === 2, { message: 'retried' });
    // The schedule alone would retry after 60 ms; Retry-After: 1 holds it for a second.
    expect(r.received[1]!.at - r.received[0]!.at).toBeGreaterThanOrEqual(950);
  });

  it('disables the webhook on 410 Gone with a visible reason', async () => {
    const { key, r, webhook } = await setup();
    r.respond(() => ({ status: 410 }));
    await send(key);
    const w = await waitFor(async () => {
      const res = await api.call('GET', `/v1/webhooks/${webhook.webhook_id}`, { key: key.api_key });
      return res.body.is_active === false ? res.body : undefined;
    }, { message: 'disabled' });
    expect(w.disabled_reason).toContain('410');
    expect(r.received).toHaveLength(1);
  });

  it('auto-disables after N consecutive exhausted deliveries; re-enabling resets the streak', async () => {
    const { key, r, webhook } = await setup();
    r.respond(() => ({ status: 500 }));
    await send(key);
    await send(key);
    const w = await waitFor(async () => {
      const res = await api.call('GET', `/v1/webhooks/${webhook.webhook_id}`, { key: key.api_key });
      return res.body.is_active === false ? res.body : undefined;
    }, { message: 'auto-disabled' });
    expect(w.disabled_reason).toMatch(/2 consecutive/);
    const before = r.received.length;
    // A second, healthy webhook on the same tenant shows when fan-out has handled the next event,
    // so the assertion below cannot run ahead of it.
    const witness = await receiver();
    await api.call('POST', '/v1/webhooks', { key: key.api_key, body: { url: witness.url, events: ['*'] } });
    await send(key);
    await waitFor(() => witness.received.length === 1, { message: 'fan-out reached the healthy webhook' });
    const listed = await api.call('GET', `/v1/webhooks/${webhook.webhook_id}/deliveries`, { key: key.api_key });
    expect(listed.body.deliveries).toHaveLength(2);
    expect(r.received.length).toBe(before);
    const reenabled = await api.call('PUT', `/v1/webhooks/${webhook.webhook_id}`, { key: key.api_key, body: { is_active: true } });
    expect(reenabled.body).toMatchObject({ is_active: true, disabled_reason: null, consecutive_failures: 0 });
    expect(r.received.length).toBe(before);
  });

  it('matches exact names, * and prefix patterns', async () => {
    const key = await api.createKey();
    const targets: Record<string, Receiver> = {};
    for (const pattern of ['order.created', 'order.*', '*', 'user.*']) {
      targets[pattern] = await receiver();
      await api.call('POST', '/v1/webhooks', { key: key.api_key, body: { url: targets[pattern]!.url, events: [pattern] } });
    }
    for (const type of ['order.created', 'order.refund.issued', 'user.signup', 'orders.x']) await send(key, type);
    const expected: Record<string, string[]> = {
      'order.created': ['order.created'],
      'order.*': ['order.created', 'order.refund.issued'],
      '*': ['order.created', 'order.refund.issued', 'user.signup', 'orders.x'],
      'user.*': ['user.signup'],
    };
    for (const [pattern, types] of Object.entries(expected)) {
      await waitFor(() => targets[pattern]!.received.length === types.length, { message: `${pattern} receives ${types.length}` });
      expect(targets[pattern]!.json<{ type: string }>().map((b) => b.type).sort()).toEqual([...types].sort());
    }
  });

  it('stops delivering after delete or deactivation, and follows a URL change for pending deliveries', async () => {
    const { key, r, webhook } = await setup();
    r.respond(() => ({ status: 500 }));
    await send(key);
    await waitFor(() => r.received.length >= 1);
    const moved = await receiver();
    await api.call('PUT', `/v1/webhooks/${webhook.webhook_id}`, { key: key.api_key, body: { url: moved.url } });
    await waitFor(() => moved.received.length === 1, { message: 'pending retry goes to the new URL' });

    await api.call('PUT', `/v1/webhooks/${webhook.webhook_id}`, { key: key.api_key, body: { is_active: false } });
    await send(key);
    const second = await setup();
    await api.call('DELETE', `/v1/webhooks/${second.webhook.webhook_id}`, { key: second.key.api_key });
    await send(second.key);
    // Prove the workers are alive and past those events: a fresh webhook gets its event.
    const probe = await setup();
    await send(probe.key);
    await waitFor(() => probe.r.received.length === 1, { message: 'probe delivered' });
    expect(moved.received).toHaveLength(1);
    expect(second.r.received).toHaveLength(0);
  });

  it('reports per-webhook metrics: success rate, latency percentiles, errors by class', async () => {
    const { key, r, webhook } = await setup();
    r.respond((req) => ({ status: req.n === 1 ? 500 : 200 }));
    await send(key);
    await send(key);
    await waitFor(async () => (await api.call('GET', `/v1/webhooks/${webhook.webhook_id}/deliveries?status=delivered`, { key: key.api_key })).body.deliveries.length === 2);
    const m = await api.call('GET', `/v1/webhooks/${webhook.webhook_id}/metrics?period_hours=1`, { key: key.api_key });
    expect(m.body).toMatchObject({ total_deliveries: 2, delivered: 2, success_rate: 1, attempts: 3, error_distribution: { http_5xx: 1 } });
    expect(m.body.latency_ms.p99).toBeGreaterThan(0);
    const prom = await api.call('GET', '/metrics');
    expect(prom.text).toMatch(/webhook_deliveries_total\{outcome="delivered"\} \d+/);
  });
});

describe('delivery history paging', () => {
  it('pages through a webhook\'s deliveries with a cursor, oldest first, without gaps', async () => {
    const { key, r, webhook } = await setup();
    for (let i = 0; i < 7; i++) await send(key, 'order.created', { i });
    await waitFor(() => r.received.length === 7, { message: 'seven delivered' });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { deliveries: { delivery_id: string }[]; next_cursor: string | null } } = await api.call(
        'GET',
        `/v1/webhooks/${webhook.webhook_id}/deliveries?limit=3${cursor ? `&cursor=${cursor}` : ''}`,
        { key: key.api_key },
      );
      expect(page.status).toBe(200);
      expect(page.body.deliveries.length).toBeLessThanOrEqual(3);
      seen.push(...page.body.deliveries.map((d) => d.delivery_id));
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(7);
    expect(new Set(seen).size).toBe(7);
  });

  it('lists the newest deliveries first with order=desc, paging back without gaps', async () => {
    const { key, r, webhook } = await setup();
    for (let i = 0; i < 5; i++) await send(key, 'order.created', { i });
    await waitFor(() => r.received.length === 5, { message: 'five delivered' });
    const list = async (query: string) => (await api.call('GET', `/v1/webhooks/${webhook.webhook_id}/deliveries?${query}`, { key: key.api_key })).body;
    // A delivery is recorded after its receipt: wait until all five are listed.
    const oldestFirst = await waitFor(async () => {
      const ids = (await list('limit=100')).deliveries.map((d: { delivery_id: string }) => d.delivery_id) as string[];
      return ids.length === 5 ? ids : undefined;
    }, { message: 'five deliveries recorded' });
    const first = await list('order=desc&limit=3');
    const second = await list(`order=desc&limit=3&cursor=${first.next_cursor}`);
    const newestFirst = [...first.deliveries, ...second.deliveries].map((d: { delivery_id: string }) => d.delivery_id);
    expect(newestFirst).toEqual([...oldestFirst].reverse());
    expect(second.has_more).toBe(false);
    expect((await api.call('GET', `/v1/webhooks/${webhook.webhook_id}/deliveries?order=newest`, { key: key.api_key })).status).toBe(400);
  });
});

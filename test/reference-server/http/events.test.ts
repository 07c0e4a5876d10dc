// The events API over a real server and in-memory dynalite: create, get, inbox, ack, delete,
// idempotency, tenant isolation and input errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type CreatedKey, type TestApi } from '../../support/test-api.js';

let api: TestApi;
let key: CreatedKey;
let other: CreatedKey;

beforeAll(async () => {
  api = await startTestApi();
  key = await api.createKey();
  other = await api.createKey({ name: 'other tenant' });
});
afterAll(async () => api?.close());

const event = (n = 1) => ({ source: 'billing', event_type: 'invoice.paid', payload: { n, nested: { ok: true } } });

describe('events', () => {
  it('creates an event and reads it back', async () => {
    const created = await api.call('POST', '/v1/events', { key: key.api_key, body: event() });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ source: 'billing', event_type: 'invoice.paid', status: 'pending', payload: { n: 1 } });
    expect(created.body.event_id).toMatch(/^evt_/);
    const read = await api.call('GET', `/v1/events/${created.body.event_id}`, { key: key.api_key });
    expect(read.status).toBe(200);
    expect(read.body).toEqual(created.body);
  });

  it('accepts the key in X-API-Key as well as Bearer', async () => {
    const res = await api.call('POST', '/v1/events', { headers: { 'x-api-key': key.api_key }, body: event() });
    expect(res.status).toBe(201);
  });

  it('echoes a client request id and generates one otherwise', async () => {
    const given = await api.call('GET', '/v1/inbox', { key: key.api_key, headers: { 'x-request-id': 'trace-abc.123' } });
    expect(given.headers.get('x-request-id')).toBe('trace-abc.123');
    const generated = await api.call('GET', '/v1/inbox', { key: key.api_key });
    expect(generated.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('lists pending events oldest first and pages without skipping or repeating', async () => {
    const k = await api.createKey({ name: 'pager' });
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await api.call('POST', '/v1/events', { key: k.api_key, body: event(i) })).body.event_id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : '';
      const page = await api.call('GET', `/v1/inbox?limit=3${q}`, { key: k.api_key });
      expect(page.status).toBe(200);
      seen.push(...page.body.events.map((e: { event_id: string }) => e.event_id));
      // An insert between pages lands after everything already listed.
      if (seen.length === 3) ids.push((await api.call('POST', '/v1/events', { key: k.api_key, body: event(99) })).body.event_id);
      cursor = page.body.next_cursor;
    } while (cursor);
    expect(seen).toEqual(ids);
  });

  it('filters the inbox by source and event type', async () => {
    const k = await api.createKey({ name: 'filters' });
    await api.call('POST', '/v1/events', { key: k.api_key, body: { source: 'a', event_type: 'x.one', payload: {} } });
    await api.call('POST', '/v1/events', { key: k.api_key, body: { source: 'b', event_type: 'x.one', payload: {} } });
    await api.call('POST', '/v1/events', { key: k.api_key, body: { source: 'a', event_type: 'x.two', payload: {} } });
    const bySource = await api.call('GET', '/v1/inbox?source=a&limit=1', { key: k.api_key });
    expect(bySource.body.events).toHaveLength(1);
    const next = await api.call('GET', `/v1/inbox?source=a&limit=1&cursor=${bySource.body.next_cursor}`, { key: k.api_key });
    expect([...bySource.body.events, ...next.body.events].map((e: { event_type: string }) => e.event_type)).toEqual(['x.one', 'x.two']);
    expect(next.body.next_cursor).toBeNull();
    const both = await api.call('GET', '/v1/inbox?source=a&event_type=x.two', { key: k.api_key });
    expect(both.body.events.map((e: { source: string }) => e.source)).toEqual(['a']);
  });

  it('acknowledges idempotently and removes the event from the inbox', async () => {
    const k = await api.createKey({ name: 'ack' });
    const id = (await api.call('POST', '/v1/events', { key: k.api_key, body: event() })).body.event_id;
    const first = await api.call('POST', `/v1/events/${id}/ack`, { key: k.api_key });
    const second = await api.call('POST', `/v1/events/${id}/ack`, { key: k.api_key });
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('acknowledged');
    expect(second.body).toEqual(first.body);
    const inbox = await api.call('GET', '/v1/inbox', { key: k.api_key });
    expect(inbox.body.events).toEqual([]);
  });

  it('deletes an event with 204 and then answers 404', async () => {
    const id = (await api.call('POST', '/v1/events', { key: key.api_key, body: event() })).body.event_id;
    expect((await api.call('DELETE', `/v1/events/${id}`, { key: key.api_key })).status).toBe(204);
    expect((await api.call('GET', `/v1/events/${id}`, { key: key.api_key })).status).toBe(404);
    expect((await api.call('DELETE', `/v1/events/${id}`, { key: key.api_key })).status).toBe(404);
  });

  it('hides one tenant\'s events from another: read, ack, delete and inbox', async () => {
    const id = (await api.call('POST', '/v1/events', { key: key.api_key, body: event() })).body.event_id;
    expect((await api.call('GET', `/v1/events/${id}`, { key: other.api_key })).status).toBe(404);
    expect((await api.call('POST', `/v1/events/${id}/ack`, { key: other.api_key })).status).toBe(404);
    expect((await api.call('DELETE', `/v1/events/${id}`, { key: other.api_key })).status).toBe(404);
    const inbox = await api.call('GET', '/v1/inbox?limit=100', { key: other.api_key });
    expect(inbox.body.events.map((e: { event_id: string }) => e.event_id)).not.toContain(id);
    expect((await api.call('GET', `/v1/events/${id}`, { key: key.api_key })).body.status).toBe('pending');
  });
});

describe('idempotency', () => {
  it('returns the original response for a repeated Idempotency-Key', async () => {
    const headers = { 'idempotency-key': 'order-42' };
    const first = await api.call('POST', '/v1/events', { key: key.api_key, body: event(42), headers });
    const again = await api.call('POST', '/v1/events', { key: key.api_key, body: event(42), headers });
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  it('treats X-Request-Id as an idempotency key', async () => {
    const headers = { 'x-request-id': 'req-same-1' };
    const first = await api.call('POST', '/v1/events', { key: key.api_key, body: event(5), headers });
    const again = await api.call('POST', '/v1/events', { key: key.api_key, body: event(5), headers });
    expect(again.body.event_id).toBe(first.body.event_id);
  });

  it('answers 409 when a key is reused with a different body', async () => {
    const headers = { 'idempotency-key': 'order-43' };
    await api.call('POST', '/v1/events', { key: key.api_key, body: event(1), headers });
    const conflict = await api.call('POST', '/v1/events', { key: key.api_key, body: event(2), headers });
    expect(conflict.status).toBe(409);
    expect(conflict.body.error.code).toBe('idempotency_conflict');
  });

  it('creates exactly one event from 50 concurrent duplicates', async () => {
    const k = await api.createKey({ name: 'concurrent' });
    const headers = { 'idempotency-key': 'burst-1' };
    const results = await Promise.all(
      Array.from({ length: 50 }, () => api.call('POST', '/v1/events', { key: k.api_key, body: event(7), headers })),
    );
    expect(results.every((r) => r.status === 201)).toBe(true);
    expect(new Set(results.map((r) => r.body.event_id)).size).toBe(1);
    const inbox = await api.call('GET', '/v1/inbox?limit=100', { key: k.api_key });
    expect(inbox.body.events).toHaveLength(1);
  });

  it('scopes idempotency keys to the tenant', async () => {
    const headers = { 'idempotency-key': 'shared-name' };
    const a = await api.call('POST', '/v1/events', { key: key.api_key, body: event(1), headers });
    const b = await api.call('POST', '/v1/events', { key: other.api_key, body: event(2), headers });
    expect(b.status).toBe(201);
    expect(b.body.event_id).not.toBe(a.body.event_id);
  });
});

describe('bad input', () => {
  it('answers malformed JSON with 400 invalid_json', async () => {
    const res = await api.call('POST', '/v1/events', { key: key.api_key, raw: '{"source":', headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_json' });
    expect(res.body.error.request_id).toBe(res.headers.get('x-request-id'));
  });

  it('names the failing field in validation errors', async () => {
    const res = await api.call('POST', '/v1/events', { key: key.api_key, body: { source: 'x', event_type: 'bad type!', payload: {} } });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('validation_error');
    expect(res.body.error.details.map((d: { field: string }) => d.field)).toEqual(['body.event_type']);
  });

  it('rejects bodies over 256 KB with 413', async () => {
    const res = await api.call('POST', '/v1/events', { key: key.api_key, body: { source: 's', event_type: 't', payload: { blob: 'x'.repeat(300_000) } } });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
  });

  it('rejects non-JSON bodies with 415', async () => {
    const res = await api.call('POST', '/v1/events', { key: key.api_key, raw: 'source=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(res.status).toBe(415);
  });

  it('answers bad cursors and limits with 400, unknown routes with 404', async () => {
    expect((await api.call('GET', '/v1/inbox?cursor=garbage', { key: key.api_key })).body.error.code).toBe('validation_error');
    expect((await api.call('GET', '/v1/inbox?limit=0', { key: key.api_key })).status).toBe(400);
    expect((await api.call('GET', '/v1/inbox?limit=abc', { key: key.api_key })).status).toBe(400);
    expect((await api.call('GET', '/nowhere')).body.error.code).toBe('route_not_found');
  });

  it('answers an unknown /v1 path with 401 to a caller without a valid key, 404 to one with it', async () => {
    for (const [method, path] of [['GET', '/v1/nowhere'], ['PUT', '/v1/events'], ['POST', '/v1/inbox']] as const) {
      expect((await api.call(method, path)).status).toBe(401);
      expect((await api.call(method, path, { key: 'tr_' + 'A'.repeat(43) })).status).toBe(401);
      const known = await api.call(method, path, { key: key.api_key });
      expect(known.status).toBe(404);
      expect(known.body.error.code).toBe('route_not_found');
    }
  });

  it('refuses missing, malformed and unknown keys with the same 401', async () => {
    const missing = await api.call('GET', '/v1/inbox');
    const unknown = await api.call('GET', '/v1/inbox', { key: 'tr_' + 'A'.repeat(43) });
    const malformed = await api.call('GET', '/v1/inbox', { key: 'nope' });
    for (const res of [missing, unknown, malformed]) {
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('unauthorized');
    }
    expect(unknown.body.error.message).toBe(malformed.body.error.message);
  });

  it('enforces scopes with 403 insufficient_scope', async () => {
    const reader = await api.createKey({ name: 'reader', scopes: ['events:read'] });
    const res = await api.call('POST', '/v1/events', { key: reader.api_key, body: event() });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('insufficient_scope');
  });
});

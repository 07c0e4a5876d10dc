// GET /_workers/wake on the real server: refused without the token derived from the secrets key, an
// event stream of coalesced wakes with it (stores through the API included), and ended at shutdown
// rather than holding the drain up.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { wakeToken, WAKE_STREAM_PATH } from '../../../reference-server/src/domain/worker-wake.js';
import { startTestApi, type TestApi } from '../../support/test-api.js';
import { waitFor } from '../../support/wait-for.js';

const SECRETS_KEY = 'wake-stream-test-secrets-key-0123456789abc';
let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ WORKER_ENABLED: 'false', ANALYTICS_ENABLED: 'false' }, { secretsKey: SECRETS_KEY });
});
afterAll(async () => api?.close());

/** A subscriber reading the stream into `text` until it ends. */
async function subscribe(token = wakeToken(SECRETS_KEY)) {
  const res = await request(`${api.url}${WAKE_STREAM_PATH}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.statusCode).toBe(200);
  expect(res.headers['content-type']).toBe('text/event-stream');
  const stream = { text: '', ended: false, close: () => res.body.destroy() };
  res.body.on('data', (chunk: Buffer) => (stream.text += chunk.toString()));
  res.body.on('end', () => (stream.ended = true));
  res.body.on('error', () => (stream.ended = true));
  await waitFor(() => stream.text.includes(': subscribed'), { message: 'subscribed' });
  return stream;
}

const subscribers = async () => Number(/^worker_wake_subscribers (\d+)/m.exec(await (await fetch(`${api.url}/metrics`)).text())?.[1]);
const count = (text: string, line: string) => text.split('\n').filter((l) => l === line).length;

describe('the wake stream', () => {
  it('refuses a missing or wrong token with 401 unauthorized', async () => {
    const missing = await api.call('GET', WAKE_STREAM_PATH);
    expect(missing.status).toBe(401);
    expect(missing.body.error).toMatchObject({ code: 'unauthorized', message: expect.stringMatching(/SECRETS_KEY/), request_id: expect.any(String) });
    // A token made from another secrets key, and an API credential, are both refused.
    for (const wrong of [wakeToken('another-secrets-key-0123456789abcdef0123'), 'adm_test_token_0123456789abcdef']) {
      const res = await api.call('GET', WAKE_STREAM_PATH, { key: wrong });
      expect(res.status).toBe(401);
      expect(res.body.error).toMatchObject({ code: 'unauthorized', message: expect.stringMatching(/SECRETS_KEY must be the server's/) });
    }
  });

  it('writes one message per kind for every wake of one turn, and hands over events stored through the API whole', async () => {
    const stream = await subscribe();
    await waitFor(async () => (await subscribers()) === 1, { message: 'subscriber counted' });
    const hub = api.deps.workerWake!.hub;
    for (let i = 0; i < 50; i++) hub.notify('events');
    hub.notify('deliveries');
    hub.notify('deliveries');
    await waitFor(() => stream.text.includes('event: deliveries\ndata: 2\n\n') && stream.text.includes('event: events\ndata: 50\n\n'), { message: 'coalesced wakes' });
    expect(count(stream.text, 'event: events')).toBe(1);
    expect(count(stream.text, 'event: deliveries')).toBe(1);

    const key = (await api.createKey()).api_key;
    const before = Date.now();
    const created = await api.call('POST', '/v1/events', { key, body: { source: 's', event_type: 'e.x', payload: { n: 1 } } });
    expect(created.status).toBe(201);
    await waitFor(() => stream.text.includes('event: stored\n'), { message: 'the stored event handed over' });
    const data = /event: stored\ndata: (.*)\n\n/.exec(stream.text)![1]!;
    const wake = JSON.parse(data) as { stored_at: number; event: { event_id: string; payload_json: string }; row: unknown };
    expect(wake.event).toMatchObject({ event_id: created.body.event_id, payload_json: '{"n":1}' });
    // Alone in its write, it alone is in its fan-out row.
    expect(wake.row).toEqual({ key: created.body.event_id, size: 1 });
    // When its write began, on the wall clock: before the response, not before the request.
    expect(wake.stored_at).toBeGreaterThanOrEqual(before);
    expect(wake.stored_at).toBeLessThanOrEqual(Date.now());
    expect(count(stream.text, 'event: events')).toBe(1);
    stream.close();
    await waitFor(async () => (await subscribers()) === 0, { message: 'subscriber gone' });
  });

  it('ends every stream when the server shuts down, well before the drain would force it (10 s)', async () => {
    const streams = [await subscribe(), await subscribe()];
    const closed = api.close();
    await waitFor(() => streams.every((s) => s.ended), { timeoutMs: 5_000, message: 'streams ended at shutdown' });
    await closed;
  });
});

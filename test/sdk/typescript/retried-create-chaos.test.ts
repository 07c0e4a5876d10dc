// The guarantee retries rest on, proven with the real chaos engine: the server stores the event and
// then loses the answer (partial failure `after` on POST /v1/events); the SDK retries with the same
// Idempotency-Key, gets the original event back, and exactly one event exists.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TriggersApiClient } from '../../../sdk/typescript/src/index.js';
import { ADMIN_TOKEN, startTestApi, type CreatedKey, type TestApi } from '../../support/test-api.js';

let api: TestApi;
let key: CreatedKey;
beforeAll(async () => {
  api = await startTestApi({ WORKER_ENABLED: 'false', ANALYTICS_ENABLED: 'false' }, { chaos: { env: { CHAOS_ENABLED: 'true', CHAOS_SEED: '17' } } });
  key = await api.createKey({ name: 'chaos' });
});
afterAll(async () => {
  await api?.close();
});

const loseAnswers = (id: string, count: number) =>
  api.call('PUT', '/_chaos/rules', {
    key: ADMIN_TOKEN,
    body: { rules: [{ id, point: 'http_in', match: { method: 'POST', route: '/v1/events' }, injector: { kind: 'partial_failure', phase: 'after' }, max_count: count, duration: 60_000 }] },
  });

it('retries a create whose answer was lost after the write, and exactly one event exists', async () => {
  expect((await loseAnswers('lose-create-answer', 2)).status).toBe(200);
  let attempts = 0;
  const client = new TriggersApiClient({
    apiKey: key.api_key,
    baseUrl: api.url,
    retry: { maxAttempts: 4, baseDelayMs: 20 },
    fetch: (input, init) => {
      attempts++;
      return fetch(input, init);
    },
  });

  const event = await client.events.create({ source: 'chaos-retry', event_type: 'order.created', payload: { order: 1 } });

  const log = await api.call('GET', '/_chaos/log?limit=100', { key: ADMIN_TOKEN });
  const injections = (log.body.entries as { rule: string; detail: { phase?: string } }[]).filter((e) => e.rule === 'lose-create-answer');
  expect(injections.map((e) => e.detail.phase)).toEqual(['after', 'after']);
  expect(attempts).toBe(3);
  const inbox = await client.events.inboxPage({ source: 'chaos-retry' });
  expect(inbox.events.map((e) => e.event_id)).toEqual([event.event_id]);
});

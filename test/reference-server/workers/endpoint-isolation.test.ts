// A hanging endpoint cannot starve another: with 24 deliveries hanging at one receiver, it holds at
// most its per-endpoint share of the worker's slots, and a healthy webhook's deliveries all arrive
// while every one of those hanging requests is still open (no attempt has timed out yet).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../../support/receiver.js';
import { startTestApi, type TestApi } from '../../support/test-api.js';
import { waitFor } from '../../support/wait-for.js';

let api: TestApi;
let healthy: Receiver;
let hanging: Server;
let open = 0;
let maxOpen = 0;
let answered = 0;

beforeAll(async () => {
  // Holds every request open and counts how many are open at once.
  hanging = createServer((req, res) => {
    open++;
    maxOpen = Math.max(maxOpen, open);
    res.on('close', () => {
      open--;
      answered++;
    });
    req.resume();
  });
  await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
  healthy = await startReceiver();
  api = await startTestApi({ RATE_LIMIT_ENABLED: 'false', WORKER_POLL_MS: '50', WORKER_CONCURRENCY: '16', WEBHOOK_ENDPOINT_CONCURRENCY: '4', WEBHOOK_TIMEOUT_MS: '10000', WEBHOOK_VISIBILITY_TIMEOUT_MS: '30000' });
});
afterAll(async () => {
  // The hanging requests end first, so the workers' attempts end at once instead of at their timeout.
  hanging?.closeAllConnections();
  await new Promise<void>((r) => hanging?.close(() => r()));
  await api?.close();
  await healthy?.close();
});

it('delivers to a healthy webhook while another hangs on 24 deliveries, which hold at most 4 slots', { timeout: 30_000 }, async () => {
  const slowTenant = (await api.createKey()).api_key;
  const okTenant = (await api.createKey()).api_key;
  const { port } = hanging.address() as AddressInfo;
  await api.call('POST', '/v1/webhooks', { key: slowTenant, body: { url: `http://127.0.0.1:${port}/hang`, events: ['*'] } });
  await api.call('POST', '/v1/webhooks', { key: okTenant, body: { url: healthy.url, events: ['*'] } });
  for (let i = 0; i < 24; i++) await api.call('POST', '/v1/events', { key: slowTenant, body: { source: 'slow', event_type: 'e', payload: { i } } });
  await waitFor(() => open >= 4, { message: 'hanging requests open' });
  for (let i = 0; i < 10; i++) await api.call('POST', '/v1/events', { key: okTenant, body: { source: 'ok', event_type: 'e', payload: { i } } });
  await waitFor(() => healthy.received.length === 10 || answered > 0, { timeoutMs: 20_000, message: 'healthy deliveries or a hanging attempt timing out' });
  expect({ healthy: healthy.received.length, hangingAnswered: answered }).toEqual({ healthy: 10, hangingAnswered: 0 });
  expect(maxOpen).toBeLessThanOrEqual(4);
});

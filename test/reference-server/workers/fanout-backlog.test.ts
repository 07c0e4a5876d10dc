// A worker that starts with a backlog in the outbox reads it batch after batch, each read going on
// from where the last one stopped, and starts over from the oldest row only now and then (for rows
// that landed behind the reads). Before, a full batch waited for the next poll (a backlog drained at
// one batch per WORKER_POLL_MS: ~400 events/s with the default 250 ms), and every read began at the
// oldest rows, which are the ones still in progress (~3.4 rows read per delivery).
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { OutboxStore, type OutboxRow } from '../../../reference-server/src/store/outbox-store.js';
import { FANOUT_RESCAN_MS } from '../../../reference-server/src/workers/fanout-loop.js';
import { startReceiver, type Receiver } from '../../support/receiver.js';
import { sameStore, startTestApi, type TestApi } from '../../support/test-api.js';
import { waitFor } from '../../support/wait-for.js';

const EVENTS = 400;
const QUIET = { ANALYTICS_ENABLED: 'false', RATE_LIMIT_ENABLED: 'false' };
let ingest: TestApi;
let worker: TestApi | undefined;
let receiver: Receiver;
beforeAll(async () => {
  receiver = await startReceiver();
  ingest = await startTestApi({ ...QUIET, WORKER_ENABLED: 'false' });
});
afterAll(async () => {
  vi.restoreAllMocks();
  await worker?.close();
  await ingest?.close();
  await receiver?.close();
});

it(`drains a backlog of ${EVENTS} events with a 60 s poll, reading each row about once`, { timeout: 60_000 }, async () => {
  const key = (await ingest.createKey()).api_key;
  await ingest.call('POST', '/v1/webhooks', { key, body: { url: receiver.url, events: ['*'] } });
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < EVENTS) {
        const i = next++;
        expect((await ingest.call('POST', '/v1/events', { key, body: { source: 'test', event_type: 'order.created', payload: { i } } })).status).toBe(201);
      }
    }),
  );

  // Every read of the worker that starts now, with where it began.
  const reads: { after?: string; rows: Promise<OutboxRow[]> }[] = [];
  const readPage = OutboxStore.prototype.readPage;
  vi.spyOn(OutboxStore.prototype, 'readPage').mockImplementation(function (this: OutboxStore, consumer, limit, after) {
    const page = readPage.call(this, consumer, limit, after);
    reads.push({ after, rows: page.then((p) => p.rows) });
    return page;
  });
  const started = performance.now();
  // The poll alone would read one batch a minute: only reading on after a full batch drains this in time.
  worker = await startTestApi({ ...QUIET, ...sameStore(ingest), WORKER_POLL_MS: '60000' });
  await waitFor(() => receiver.received.length === EVENTS, { timeoutMs: 30_000, message: 'every event delivered' });
  const seconds = (performance.now() - started) / 1000;
  expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(EVENTS);

  const pages = await Promise.all(reads.map(async (r) => ({ after: r.after, ids: (await r.rows).flatMap((row) => row.events.map((e) => e.event_id)) })));
  const onward = pages.filter((p) => p.after !== undefined).flatMap((p) => p.ids);
  // Most of the backlog came from reads that went on from the last, and they read few events twice
  // (a read sized by the last one's events per row can find larger rows, and leave some for the next).
  expect(onward.length).toBeGreaterThanOrEqual(EVENTS / 2);
  expect(onward.length).toBeLessThanOrEqual(new Set(onward).size * 1.3);
  // Reads from the oldest row: the first, and at most one per rescan period after it (and the end).
  expect(pages.filter((p) => p.after === undefined).length).toBeLessThanOrEqual(2 + Math.ceil((seconds * 1000) / FANOUT_RESCAN_MS));
});

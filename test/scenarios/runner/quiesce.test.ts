// Quiescence: when the wait for deliveries runs out, the run's note says what it was still waiting
// for, so deliveries owed for events the service lost read as that, not as a slow service; and the
// read-back waits for analytics that count an event the service has not shown yet.
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { Adapter } from '../../../scenarios/adapters/adapter.js';
import type { FinalRead } from '../../../scenarios/history/history.js';
import { startReceiver } from '../../../scenarios/receiver/receiver.js';
import { quiesceAndRead } from '../../../scenarios/runner/quiesce.js';
import { startRunClock } from '../../../scenarios/runner/run-clock.js';
import { RunRecorder } from '../../../scenarios/runner/run-recorder.js';
import { runScenario } from '../../../scenarios/runner/run-scenario.js';
import { parseScenario } from '../../../scenarios/scenario/parse-scenario.js';
import { jsonServer } from '../../support/json-server.js';

// Acknowledges every create; keeps and delivers all but every fifth, which it forgets at once.
const hooks: string[] = [];
const kept = new Set<string>();
const server = jsonServer((req, body, send) => {
  if (req.method === 'POST' && req.url === '/events') {
    const id = randomUUID();
    if ((JSON.parse(body) as { seq: number }).seq % 5 !== 0) {
      kept.add(id);
      for (const hook of hooks) void fetch(hook, { method: 'POST', headers: { 'webhook-id': `msg_${id}` }, body: JSON.stringify({ event_id: id }) }).catch(() => undefined);
    }
    return send(201, { id });
  }
  if (req.method === 'POST' && req.url === '/webhooks') {
    hooks.push((JSON.parse(body) as { url: string }).url);
    return send(201, { id: 'wh_1' });
  }
  const read = /^\/events\/([^/]+)$/.exec(req.url ?? '');
  send(read && kept.has(read[1]!) ? 200 : req.url === '/' ? 200 : 404, {});
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

it('says how many owed deliveries never came when the wait runs out', async () => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const scenario = parseScenario({
    title: 'forgets every fifth event',
    target: { kind: 'url', base_url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` },
    adapter: {
      http: {
        create_event: { path: '/events', body: { seq: '{{seq}}' }, id: '$.id' },
        read_event: { path: '/events/{{id}}' },
        register_webhook: { path: '/webhooks', body: { url: '{{receiver_url}}' } },
      },
    },
    load: { rate: 20 },
    phases: { baseline: '500ms', fault: '500ms', recovery: '500ms' },
    quiesce: '1s',
    gates: [{ invariants: ['no_lost_events'] }],
  });
  const journal = await runScenario(scenario, { out: join(await mkdtemp(join(tmpdir(), 'aftershock-quiesce-')), 'out'), seed: 5 });
  const lost = journal.checkers.find((c) => c.name === 'no_lost_events')!.counts.lost!;
  const ok = journal.checkers.find((c) => c.name === 'no_lost_events')!.counts.ok!;
  expect(lost).toBeGreaterThan(0);
  expect(journal.errors).toContain(
    `the service had not settled after 1000 ms of quiescence (${lost} of ${ok} deliveries owed for acknowledged creates neither accepted by the receiver nor dead-lettered); judged as it was`,
  );
}, 30_000);

it("waits for an acknowledged event's own delivery: another event's does not stand in for it", async () => {
  const clock = startRunClock();
  const recorder = new RunRecorder();
  // Event A was acknowledged; event B's create got no answer, but B was stored and delivered at once.
  recorder.eventCreated('A', 0);
  recorder.receipt({ kind: 'receipt', delivery_id: 'dB', event_id: 'B', webhook_id: 'w1', start: 20, end: 21, status: 200 });
  // A's delivery is still being retried by the service, and lands 300 ms from now.
  const late = setTimeout(() => recorder.receipt({ kind: 'receipt', delivery_id: 'dA', event_id: 'A', webhook_id: 'w1', start: clock.now(), end: clock.now(), status: 200 }), 300);
  const final: FinalRead = { kind: 'final', events: {}, webhooks: [{ webhook_id: 'w1', event_types: ['*'] }], dlq: [], time: 0 };
  const adapter = { finalRead: () => Promise.resolve(final) } as unknown as Adapter;
  const receiver = { inFlight: () => 0 } as unknown as Parameters<typeof quiesceAndRead>[0]['receiver'];
  try {
    const result = await quiesceAndRead({ adapter, receiver, recorder, clock, webhooks: 1, boundMs: 10_000, signal: new AbortController().signal });
    expect(result).toMatchObject({ settled: true, unsettled: [] });
    expect(recorder.history.filter((r) => r.kind === 'receipt').map((r) => r.kind === 'receipt' && r.event_id)).toEqual(['B', 'A']);
    expect(result.waitedMs).toBeLessThan(10_000);
  } finally {
    clearTimeout(late);
  }
});

it('waits too for the delivery of an event whose create got no answer but that the read-back shows', async () => {
  const clock = startRunClock();
  const recorder = new RunRecorder();
  // A was acknowledged and delivered; B's create got no answer, yet B landed, and is delivered 300 ms from now.
  recorder.eventCreated('A', 0);
  recorder.receipt({ kind: 'receipt', delivery_id: 'dA', event_id: 'A', webhook_id: 'w1', start: 20, end: 21, status: 200 });
  const late = setTimeout(() => recorder.receipt({ kind: 'receipt', delivery_id: 'dB', event_id: 'B', webhook_id: 'w1', start: clock.now(), end: clock.now(), status: 200 }), 300);
  const events = { A: { readable: true, event_type: 'order.created' }, B: { readable: true, event_type: 'order.created' } };
  const adapter = { finalRead: () => Promise.resolve({ kind: 'final', events, webhooks: [{ webhook_id: 'w1', event_types: ['*'] }], dlq: [], time: clock.now() }) } as unknown as Adapter;
  const receiver = { inFlight: () => 0 } as unknown as Parameters<typeof quiesceAndRead>[0]['receiver'];
  try {
    const result = await quiesceAndRead({ adapter, receiver, recorder, clock, webhooks: 1, boundMs: 10_000, signal: new AbortController().signal });
    expect(result).toMatchObject({ settled: true, unsettled: [] });
    expect(recorder.acceptedFor('B').has('w1')).toBe(true);
    // Read back after B's delivery came, so deliveries_complete sees it before the read-back.
    expect(result.final.time).toBeGreaterThanOrEqual(300);
  } finally {
    clearTimeout(late);
  }
});

it('waits for an event the analytics count but the service does not show yet, then reads it back', async () => {
  // A create cut off by a crash: the service counted it at once and shows it only after its own
  // recovery, here at the third read-back. Judged at the first, analytics would read one too many.
  let reads = 0;
  const finalRead = async (): Promise<FinalRead> => {
    reads++;
    const events = { evt_1: { readable: true, event_type: 'e' }, evt_2: { readable: reads >= 3, event_type: 'e' } };
    return { kind: 'final', events, webhooks: [], dlq: [], analytics: { total: 2, by_type: { e: 2 }, by_source: {} }, time: 0 };
  };
  const adapter = { finalRead } as unknown as Adapter;
  const receiver = await startReceiver({ now: () => 0, random: Math.random, identify: () => ({ event_id: '', webhook_id: '', delivery_id: '' }), onReceipt: () => undefined });
  try {
    const { final, settled } = await quiesceAndRead({ adapter, receiver, recorder: new RunRecorder(), clock: startRunClock(), webhooks: 0, boundMs: 10_000, signal: new AbortController().signal });
    expect(reads).toBe(3);
    expect(final.events.evt_2?.readable).toBe(true);
    expect(settled).toBe(true);
  } finally {
    await receiver.close();
  }
});

it('ends the wait once the deliveries still owed are in the dead-letter queue, and does not count them as missing', async () => {
  const clock = startRunClock();
  const recorder = new RunRecorder();
  // A was delivered; the service gave up on B's delivery and dead-lettered it: nothing more will come.
  recorder.eventCreated('A', 0);
  recorder.eventCreated('B', 10);
  recorder.receipt({ kind: 'receipt', delivery_id: 'dA', event_id: 'A', webhook_id: 'w1', start: 20, end: 21, status: 200 });
  recorder.receipt({ kind: 'receipt', delivery_id: 'dB', event_id: 'B', webhook_id: 'w1', start: 30, end: 31, status: 503 });
  const events = { A: { readable: true, event_type: 'order.created' }, B: { readable: true, event_type: 'order.created' } };
  let reads = 0;
  const finalRead = async (): Promise<FinalRead> => {
    reads++;
    return { kind: 'final', events, webhooks: [{ webhook_id: 'w1', event_types: ['*'] }], dlq: [{ delivery_id: 'dB', event_id: 'B', webhook_id: 'w1' }], time: clock.now() };
  };
  const adapter = { finalRead } as unknown as Adapter;
  const receiver = { inFlight: () => 0 } as unknown as Parameters<typeof quiesceAndRead>[0]['receiver'];
  const result = await quiesceAndRead({ adapter, receiver, recorder, clock, webhooks: 1, boundMs: 30_000, signal: new AbortController().signal });
  expect(result).toMatchObject({ settled: true, unsettled: [] });
  // Read back while waiting, then once more for the record: not held to the 30 s bound.
  expect(reads).toBeGreaterThanOrEqual(2);
  expect(result.waitedMs).toBeLessThan(30_000);
}, 40_000);

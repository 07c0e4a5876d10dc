// The wake hub without sockets: a subscriber whose socket is backed up is skipped until it drains and
// then told, in one write, what it missed; heartbeats go to idle streams; nothing is kept for nobody.
// Sinks here are plain recorders, so backpressure can be switched on at will (a real socket would need
// megabytes of unread data); the stream over real HTTP is in wake-stream.test.ts.
import { EventEmitter } from 'node:events';
import { afterEach, expect, it, vi } from 'vitest';
import { WakeHub } from '../../../reference-server/src/http/wake-hub.js';

/** Records writes; `full` makes write() report backpressure, `drain()` relieves it. */
class RecordingSink extends EventEmitter {
  writes: string[] = [];
  ended = false;
  full = false;
  write(chunk: string): boolean {
    this.writes.push(chunk);
    return !this.full;
  }
  end() {
    this.ended = true;
  }
  drain() {
    this.full = false;
    this.emit('drain');
  }
}

const turn = () => new Promise((r) => setImmediate(r));
const hubs: WakeHub[] = [];
const hub = (options?: ConstructorParameters<typeof WakeHub>[0]) => {
  const h = new WakeHub(options);
  hubs.push(h);
  return h;
};
afterEach(() => {
  for (const h of hubs.splice(0)) h.close();
  vi.useRealTimers();
});

it('skips a backed-up subscriber until it drains, then writes what it missed once', async () => {
  const h = hub();
  const slow = new RecordingSink();
  const quick = new RecordingSink();
  h.subscribe(slow);
  h.subscribe(quick);
  slow.full = true;
  h.notify('events');
  await turn();
  expect(slow.writes).toEqual(['event: events\ndata: 1\n\n']); // this write filled its buffer
  for (const kind of ['events', 'events', 'deliveries'] as const) {
    h.notify(kind);
    await turn();
  }
  expect(slow.writes).toHaveLength(1);
  expect(quick.writes).toHaveLength(4);
  slow.drain();
  expect(slow.writes.slice(1)).toEqual(['event: events\ndata: 2\n\nevent: deliveries\ndata: 1\n\n']);
});

it('keeps nothing for nobody: wakes before a subscriber came are not sent to it', async () => {
  const h = hub();
  h.notify('events');
  const late = new RecordingSink();
  h.subscribe(late);
  await turn();
  expect(late.writes).toEqual([]);
});

it('sends a heartbeat comment to idle streams and counts subscribers; close ends every stream', async () => {
  vi.useFakeTimers();
  const counts: number[] = [];
  const h = hub({ heartbeatMs: 15_000, onSubscribers: (n) => counts.push(n) });
  const a = new RecordingSink();
  const b = new RecordingSink();
  h.subscribe(a);
  const unsubscribe = h.subscribe(b);
  vi.advanceTimersByTime(15_000);
  expect(a.writes).toEqual([': keep-alive\n\n']);
  unsubscribe();
  vi.advanceTimersByTime(15_000);
  expect(a.writes).toHaveLength(2);
  expect(b.writes).toHaveLength(1);
  h.close();
  expect(a.ended).toBe(true);
  expect(h.isClosed).toBe(true);
  expect(counts).toEqual([1, 2, 1, 0]);
});

it('hands stored events over whole, and owes a backed-up subscriber only their count', async () => {
  const h = hub();
  const slow = new RecordingSink();
  const quick = new RecordingSink();
  h.subscribe(slow);
  h.subscribe(quick);
  const event = { tenant_id: 'tnt_1', event_id: 'evt_1', source: 's', event_type: 'e', payload_json: '{}', status: 'pending' as const, created_at: '2026-12-05T00:00:00.000Z', acknowledged_at: null };
  slow.full = true;
  h.notify('events');
  await turn(); // fills the slow subscriber's buffer
  h.notifyStored({ stored_at: 1_000, event });
  h.notifyStored({ stored_at: 1_001, event: { ...event, event_id: 'evt_2' } });
  await turn();
  expect(quick.writes.at(-1)).toBe(`event: stored\ndata: ${JSON.stringify({ stored_at: 1_000, event })}\n\nevent: stored\ndata: ${JSON.stringify({ stored_at: 1_001, event: { ...event, event_id: 'evt_2' } })}\n\n`);
  slow.drain();
  expect(slow.writes.slice(1)).toEqual(['event: events\ndata: 2\n\n']);
});

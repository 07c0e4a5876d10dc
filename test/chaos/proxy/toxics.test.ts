// Each toxic measured on real loopback sockets through the proxy: delays, rates, closes and resets
// as a client sees them. Tolerances are generous (two shared cores) but still fail a broken toxic.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startHarness, type Harness } from './support/harness.js';
import { proxied } from './support/proxied.js';
import { connect, connectOutcome, echoServer, listen as listenTcp, pattern, sendingServer, type TestServer } from './support/sockets.js';
import { withLoopDelay } from './support/loop-delay.js';
import { waitFor } from '../../support/wait-for.js';

let h: Harness;
const servers: TestServer[] = [];

beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.server.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function upstream(server: Promise<TestServer>): Promise<string> {
  const started = await server;
  servers.push(started);
  return started.address;
}

/** Sends `text` through an echo proxy and resolves with the round trip in ms. */
async function roundTrip(listen: string, text = 'ping'): Promise<number> {
  const client = await connect(listen);
  const start = performance.now();
  client.socket.write(text);
  await waitFor(() => client.received.bytes >= text.length, { timeoutMs: 5000, intervalMs: 2 });
  const elapsed = performance.now() - start;
  client.socket.destroy();
  return elapsed;
}

it('latency delays each answer by the configured time', async () => {
  const listen = await proxied(h, 'echo', await upstream(echoServer()), [
    { type: 'latency', attributes: { latency: 200 } },
  ]);
  const { value: elapsed, lostMs } = await withLoopDelay(() => roundTrip(listen));
  expect(elapsed).toBeGreaterThanOrEqual(195);
  expect(elapsed, `event loop lost up to ${lostMs.toFixed(0)} ms`).toBeLessThan(200 + 150 + 2 * lostMs);
});

it('latency on both streams adds up once per direction, with jitter inside its bounds', async () => {
  const listen = await proxied(h, 'echo', await upstream(echoServer()), [
    { type: 'latency', stream: 'upstream', attributes: { latency: 100, jitter: 20 } },
    { type: 'latency', stream: 'downstream', attributes: { latency: 100 } },
  ]);
  const { value: elapsed, lostMs } = await withLoopDelay(() => roundTrip(listen));
  expect(elapsed).toBeGreaterThanOrEqual(200 - 20 - 5);
  expect(elapsed, `event loop lost up to ${lostMs.toFixed(0)} ms`).toBeLessThan(200 + 20 + 150 + 2 * lostMs);
});

it('bandwidth delivers a bulk transfer at the rate: never faster, and late only by what the machine lost', async () => {
  const payload = pattern(300_000);
  const listen = await proxied(h, 'bulk', await upstream(sendingServer(payload)), [
    { type: 'bandwidth', attributes: { rate: 300 } },
  ]);
  // The toxic's timers run on this event loop: how late the machine made them is measured here, so
  // the bound below allows exactly that instead of guessing a margin that a loaded machine exceeds.
  const { value: [client, seen], lostMs } = await withLoopDelay(async () => {
    const c = await connect(listen);
    return [c, await c.closed] as const;
  });
  expect(client.data().equals(payload)).toBe(true);
  // 300 000 bytes at 300 KB/s is one second on the toxic's schedule: it can never be faster (10 %
  // for where the client's clock starts), and it is within 10 % of the schedule plus the lateness
  // the event loop suffered: the schedule absorbs early delays, so only the last slice's timer and
  // the client's read of it can show, each at most the worst delay measured.
  expect(seen.lastAt).toBeGreaterThanOrEqual(900);
  expect(seen.lastAt, `event loop lost up to ${lostMs.toFixed(0)} ms`).toBeLessThanOrEqual(1100 + 2 * lostMs);
});

it('timeout lets no data through and closes after the timeout', async () => {
  const listen = await proxied(h, 'echo', await upstream(echoServer()), [
    { type: 'timeout', attributes: { timeout: 300 } },
  ]);
  const client = await connect(listen);
  client.socket.write('anyone there?');
  const seen = await client.closed;
  expect(seen.bytes).toBe(0);
  expect(seen.closedAt).toBeGreaterThanOrEqual(290);
  expect(seen.closedAt).toBeLessThan(1500);
});

it('reset_peer resets the connection: the client gets ECONNRESET', async () => {
  const listen = await proxied(h, 'echo', await upstream(echoServer()), [
    { type: 'reset_peer', attributes: { timeout: 100 } },
  ]);
  const client = await connect(listen);
  const failed = new Promise<string>((resolve) => client.socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? '')));
  client.socket.write('hello');
  expect(await failed).toBe('ECONNRESET');
  const seen = await client.closed;
  expect(seen.bytes).toBe(0);
  expect(seen.closedAt).toBeGreaterThanOrEqual(95);
});

it('slicer delivers the same bytes in many smaller chunks', async () => {
  const payload = pattern(20_000);
  const listen = await proxied(h, 'bulk', await upstream(sendingServer(payload)), [
    { type: 'slicer', attributes: { average_size: 500, size_variation: 100, delay: 5000 } },
  ]);
  const client = await connect(listen);
  await client.closed;
  expect(client.data().equals(payload)).toBe(true);
  expect(client.received.chunks.length).toBeGreaterThanOrEqual(10);
  expect(Math.max(...client.received.chunks.map((c) => c.length))).toBeLessThan(20_000);
});

it('limit_data closes the connection after exactly N bytes', async () => {
  const payload = pattern(50_000);
  const listen = await proxied(h, 'bulk', await upstream(sendingServer(payload)), [
    { type: 'limit_data', attributes: { bytes: 1234 } },
  ]);
  const client = await connect(listen);
  await client.closed;
  expect(client.data().equals(payload.subarray(0, 1234))).toBe(true);
});

it('limit_data on the upstream stream lets exactly N client bytes reach the server', async () => {
  const got: Buffer[] = [];
  const recorder = listenTcp((socket) => socket.on('data', (d: Buffer) => got.push(d)));
  const address = await proxied(h, 'sink', await upstream(recorder), [
    { type: 'limit_data', stream: 'upstream', attributes: { bytes: 10 } },
  ]);
  const client = await connect(address);
  client.socket.write('0123456789abcdef');
  await client.closed;
  await waitFor(() => Buffer.concat(got).length >= 10, { timeoutMs: 2000 });
  expect(Buffer.concat(got).toString()).toBe('0123456789');
});

it('slow_close holds the close for the delay after the stream ends', async () => {
  const target = await upstream(sendingServer(Buffer.from('bye')));
  const plain = await proxied(h, 'plain', target);
  const slow = await proxied(h, 'slow', target, [{ type: 'slow_close', attributes: { delay: 400 } }]);
  const { value: [quick, delayed], lostMs } = await withLoopDelay(async () => [await (await connect(plain)).closed, await (await connect(slow)).closed] as const);
  expect(quick.endedAt).toBeLessThan(200 + 2 * lostMs);
  expect(delayed.bytes).toBe(3);
  expect(delayed.firstAt).toBeLessThan(200 + 2 * lostMs);
  expect(delayed.endedAt).toBeGreaterThanOrEqual(390);
  expect(delayed.endedAt).toBeLessThan(1500);
});

it('a disabled proxy refuses connections and /reset brings it back', async () => {
  const listen = await proxied(h, 'echo', await upstream(echoServer()));
  const open = await connect(listen);
  await h.call('PATCH', '/proxies/echo', { enabled: false });
  await open.closed;
  expect(await connectOutcome(listen)).toBe('ECONNREFUSED');
  await h.call('POST', '/reset');
  expect(await roundTrip(listen)).toBeLessThan(1000);
});

it('noop passes data through unchanged', async () => {
  const listen = await proxied(h, 'echo', await upstream(echoServer()), [{ type: 'noop' }]);
  const client = await connect(listen);
  client.socket.end('unchanged');
  await client.closed;
  expect(client.data().toString()).toBe('unchanged');
});

// Toxic changes reach open connections at once, and adding and removing toxics while data flows
// never hangs the API or the data (upstream Toxiproxy's long-standing bug).
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startHarness, type Harness } from './support/harness.js';
import { proxied } from './support/proxied.js';
import { connect, echoServer, pattern, type Client, type TestServer } from './support/sockets.js';
import { withLoopDelay } from './support/loop-delay.js';
import { waitFor } from '../../support/wait-for.js';

let h: Harness;
let echo: TestServer;

beforeEach(async () => {
  h = await startHarness(5);
  echo = await echoServer();
});
afterEach(async () => {
  await h.server.close();
  await echo.close();
});

/** Writes `text` and resolves with the ms until it has all come back. */
async function echoTime(client: Client, text: string): Promise<number> {
  const start = performance.now();
  const target = client.received.bytes + text.length;
  client.socket.write(text);
  await waitFor(() => client.received.bytes >= target, { timeoutMs: 5000, intervalMs: 2 });
  return performance.now() - start;
}

it('applies a toxic added to an already open connection', async () => {
  const client = await connect(await proxied(h, 'echo', echo.address));
  const fast = await withLoopDelay(() => echoTime(client, 'fast'));
  expect(fast.value).toBeLessThan(150 + 2 * fast.lostMs);
  await h.call('POST', '/proxies/echo/toxics', { type: 'latency', attributes: { latency: 250 } });
  expect(await echoTime(client, 'slow')).toBeGreaterThanOrEqual(245);
  client.socket.destroy();
});

it('applies a toxic update to an open connection', async () => {
  const client = await connect(
    await proxied(h, 'echo', echo.address, [{ name: 'lag', type: 'latency', attributes: { latency: 0 } }]),
  );
  const quick = await withLoopDelay(() => echoTime(client, 'a'));
  expect(quick.value).toBeLessThan(150 + 2 * quick.lostMs);
  await h.call('PATCH', '/proxies/echo/toxics/lag', { attributes: { latency: 250 } });
  expect(await echoTime(client, 'b')).toBeGreaterThanOrEqual(245);
  client.socket.destroy();
});

it('keeps the limit_data count across an update of the toxic', async () => {
  const client = await connect(
    await proxied(h, 'echo', echo.address, [{ name: 'cap', type: 'limit_data', attributes: { bytes: 10 } }]),
  );
  await echoTime(client, 'abcdef');
  await h.call('PATCH', '/proxies/echo/toxics/cap', { attributes: { bytes: 8 } });
  client.socket.write('ghijkl');
  await client.closed;
  expect(client.data().toString()).toBe('abcdefgh');
});

it('releases data held by latency as soon as the toxic is removed', async () => {
  const client = await connect(
    await proxied(h, 'echo', echo.address, [{ name: 'lag', type: 'latency', attributes: { latency: 60_000 } }]),
  );
  const start = performance.now();
  client.socket.write('held');
  // The echo has answered and the proxy holds the answer once the downstream counter moves.
  await waitFor(async () => (await h.call('GET', '/metrics')).text.match(/received_bytes_total\{direction="downstream"[^}]*\} 4/));
  await h.call('DELETE', '/proxies/echo/toxics/lag');
  await waitFor(() => client.received.bytes === 4, { timeoutMs: 2000, intervalMs: 2 });
  expect(performance.now() - start).toBeLessThan(2000);
  client.socket.destroy();
});

it('releases a stalled upload at once when a rate-0 bandwidth toxic is removed', async () => {
  const client = await connect(
    await proxied(h, 'echo', echo.address, [{ name: 'choke', type: 'bandwidth', stream: 'upstream', attributes: { rate: 0 } }]),
  );
  const payload = pattern(1_000_000);
  client.socket.write(payload);
  await waitFor(async () => (await h.call('GET', '/metrics')).text.match(/received_bytes_total\{direction="upstream"[^}]*\} [1-9]/));
  expect(client.received.bytes).toBe(0);
  const removed = await h.call('DELETE', '/proxies/echo/toxics/choke');
  expect(removed.status).toBe(204);
  await waitFor(() => client.received.bytes >= payload.length, { timeoutMs: 5000, message: 'the whole upload echoed' });
  expect(client.data().equals(payload)).toBe(true);
  client.socket.destroy();
});

it('closes the connection when a timeout toxic is removed, as upstream does', async () => {
  const client = await connect(
    await proxied(h, 'echo', echo.address, [{ name: 'hang', type: 'timeout', attributes: { timeout: 0 } }]),
  );
  client.socket.write('lost');
  // Wait until the answer has reached the proxy (and been dropped), so the toxic is live on this connection.
  await waitFor(async () => (await h.call('GET', '/metrics')).text.match(/received_bytes_total\{direction="downstream"[^}]*\} 4/));
  await h.call('DELETE', '/proxies/echo/toxics/hang');
  const seen = await client.closed;
  expect(seen.bytes).toBe(0);
});

it('never hangs while toxics are added and removed in a loop under traffic', async () => {
  const listen = await proxied(h, 'echo', echo.address);
  const client = await connect(listen);
  const payload = pattern(400_000);
  const kinds = [
    { type: 'latency', attributes: { latency: 20, jitter: 10 } },
    { type: 'bandwidth', attributes: { rate: 2000 } },
    { type: 'slicer', attributes: { average_size: 64, size_variation: 32, delay: 10 } },
    { type: 'slow_close', attributes: { delay: 10 } },
    { type: 'noop' },
  ];
  let offset = 0;
  const deadline = Date.now() + 8000;
  let slowest = 0;
  for (let i = 0; i < 60 && Date.now() < deadline; i++) {
    // Keep data moving in both directions while the chains change.
    const next = Math.min(offset + 6_000, payload.length);
    client.socket.write(payload.subarray(offset, next));
    offset = next;
    const kind = kinds[i % kinds.length]!;
    const stream = i % 2 === 0 ? 'downstream' : 'upstream';
    const started = Date.now();
    const added = await h.call('POST', '/proxies/echo/toxics', { ...kind, name: `t${i}`, stream });
    const removed = await h.call('DELETE', `/proxies/echo/toxics/t${i - 1}`);
    slowest = Math.max(slowest, Date.now() - started);
    expect(added.status).toBe(200);
    if (i > 0) expect(removed.status).toBe(204);
  }
  await h.call('POST', '/reset');
  client.socket.end(payload.subarray(offset));
  await waitFor(() => client.received.bytes >= payload.length, { timeoutMs: 10_000, message: 'all echoed bytes' });
  expect(client.data().equals(payload)).toBe(true);
  expect(slowest).toBeLessThan(1000);
});

it('creates a proxy together with its toxics in one call (extension)', async () => {
  const created = await h.call('POST', '/proxies', {
    name: 'ready',
    listen: '127.0.0.1:0',
    upstream: echo.address,
    toxics: [{ name: 'lag', type: 'latency', attributes: { latency: 200 } }],
  });
  expect(created.status).toBe(201);
  expect(created.json()).toMatchObject({ toxics: [{ name: 'lag', type: 'latency', stream: 'downstream', toxicity: 1 }] });
  const client = await connect(created.json<{ listen: string }>().listen);
  expect(await echoTime(client, 'x')).toBeGreaterThanOrEqual(195);
  client.socket.destroy();
  const invalid = await h.call('POST', '/proxies', { name: 'bad', upstream: echo.address, toxics: [{ type: 'nope' }] });
  expect(invalid.status).toBe(400);
  expect((await h.call('GET', '/proxies/bad')).status).toBe(404);
});

it('counts bytes per direction in /metrics', async () => {
  const client = await connect(await proxied(h, 'counted', echo.address));
  client.socket.end(pattern(1000));
  await client.closed;
  const text = (await h.call('GET', '/metrics')).text;
  const labels = (direction: string) => `direction="${direction}",listener="[^"]+",proxy="counted",upstream="${echo.address}"`;
  for (const direction of ['upstream', 'downstream']) {
    expect(text).toMatch(new RegExp(`toxiproxy_proxy_received_bytes_total\\{${labels(direction)}\\} 1000`));
    expect(text).toMatch(new RegExp(`toxiproxy_proxy_sent_bytes_total\\{${labels(direction)}\\} 1000`));
  }
});

// Proxy lifecycle beyond the client's calls: restarting on a new upstream, an unreachable upstream,
// populate with toxics (extension), a per-proxy seed (extension) and half-closed connections.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startHarness, type Harness } from './support/harness.js';
import { proxied } from './support/proxied.js';
import { connect, echoServer, listen as listenTcp, sendingServer, type TestServer } from './support/sockets.js';

let h: Harness;
const servers: TestServer[] = [];

beforeEach(async () => {
  h = await startHarness(3);
});
afterEach(async () => {
  await h.server.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function server(started: Promise<TestServer>): Promise<TestServer> {
  const s = await started;
  servers.push(s);
  return s;
}

it('switches to a new upstream on update, dropping open connections', async () => {
  const first = await server(sendingServer(Buffer.from('first')));
  const second = await server(sendingServer(Buffer.from('second')));
  const echo = await server(echoServer());
  const address = await proxied(h, 'svc', echo.address);
  const open = await connect(address);
  const updated = await h.call('PATCH', '/proxies/svc', { upstream: first.address });
  expect(updated.json()).toMatchObject({ upstream: first.address, listen: address, enabled: true });
  await open.closed;
  expect((await (await connect(address)).closed).bytes).toBe(5);
  await h.call('POST', '/proxies/svc', { upstream: second.address });
  const client = await connect(address);
  await client.closed;
  expect(client.data().toString()).toBe('second');
});

it('closes the client when the upstream cannot be reached', async () => {
  const gone = await server(echoServer());
  await gone.close();
  const client = await connect(await proxied(h, 'dead', gone.address));
  client.socket.on('error', () => {});
  const seen = await client.closed;
  expect(seen.bytes).toBe(0);
});

it('populates proxies with their toxics in one call (extension)', async () => {
  const echo = await server(echoServer());
  const reply = await h.call('POST', '/populate', [
    { name: 'p', listen: '127.0.0.1:0', upstream: echo.address, toxics: [{ type: 'limit_data', attributes: { bytes: 3 } }] },
  ]);
  expect(reply.status).toBe(201);
  const [proxy] = reply.json<{ proxies: { listen: string; toxics: unknown[] }[] }>().proxies;
  expect(proxy?.toxics).toHaveLength(1);
  const client = await connect(proxy?.listen ?? '');
  client.socket.write('abcdef');
  await client.closed;
  expect(client.data().toString()).toBe('abc');
});

it('leaves an unchanged proxy alone on populate and keeps its toxics', async () => {
  const echo = await server(echoServer());
  const address = await proxied(h, 'keep', echo.address, [{ type: 'noop' }]);
  const reply = await h.call('POST', '/populate', [{ name: 'keep', listen: address, upstream: echo.address }]);
  expect(reply.json()).toMatchObject({ proxies: [{ name: 'keep', listen: address, toxics: [{ name: 'noop_downstream' }] }] });
});

it('uses a per-proxy seed from the create body (extension) over the server seed', async () => {
  const echo = await server(echoServer());
  const other = await startHarness(4);
  const rolls = async (harness: Harness, seed?: number) => {
    const created = await harness.call('POST', '/proxies', {
      name: 'rolls',
      listen: '127.0.0.1:0',
      upstream: echo.address,
      ...(seed === undefined ? {} : { seed }),
      toxics: [{ type: 'limit_data', toxicity: 0.5, attributes: { bytes: 0 } }],
    });
    let out = '';
    for (let i = 0; i < 20; i++) {
      const client = await connect(created.json<{ listen: string }>().listen);
      client.socket.end('x');
      out += (await client.closed).bytes === 1 ? '.' : 'x';
    }
    await harness.call('DELETE', '/proxies/rolls');
    return out;
  };
  try {
    // Servers seeded 3 and 4 roll differently, unless the proxy brings its own seed.
    expect(await rolls(h)).not.toBe(await rolls(other));
    expect(await rolls(h, 99)).toBe(await rolls(other, 99));
  } finally {
    await other.server.close();
  }
});

it('forwards a half-close: the client ends its side and still gets the full answer', async () => {
  const received: Buffer[] = [];
  const collector = await server(
    listenTcp((socket) => {
      socket.on('data', (d: Buffer) => received.push(d));
      socket.on('end', () => socket.end(`got ${Buffer.concat(received).length} bytes`));
    }),
  );
  const client = await connect(await proxied(h, 'half', collector.address));
  client.socket.end('0123456789');
  await client.closed;
  expect(client.data().toString()).toBe('got 10 bytes');
});

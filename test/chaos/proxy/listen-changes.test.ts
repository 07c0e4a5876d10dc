// Listen changes the proxy cannot honour: the address is checked before anything is stopped, so a
// rejected change leaves the proxy exactly as it was, and POST /reset keeps working afterwards.
import net from 'node:net';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startToxiproxyServer } from '../../../chaos/src/proxy/server.js';
import { startHarness, type Harness } from './support/harness.js';
import { connect, echoServer, type TestServer } from './support/sockets.js';

let h: Harness;
let upstream: TestServer;
let listen: string;

beforeEach(async () => {
  h = await startHarness();
  upstream = await echoServer();
  listen = (await h.call('POST', '/proxies', { name: 'db', listen: '127.0.0.1:0', upstream: upstream.address })).json<{
    listen: string;
  }>().listen;
  await h.call('POST', '/proxies/db/toxics', { type: 'noop' });
});
afterEach(async () => {
  await h.server.close();
  await upstream.close();
});

const errorBody = (message: string, status: number): string => `${JSON.stringify({ error: message, status })}\n`;

async function echoes(address: string): Promise<string> {
  const client = await connect(address);
  client.socket.end('ping');
  await client.closed;
  return client.data().toString();
}

it('answers 500 to a listen without a port and keeps the proxy running where it was', async () => {
  const reply = await h.call('PATCH', '/proxies/db', { listen: 'nope' });
  expect(reply.status).toBe(500);
  expect(reply.text).toBe(errorBody('address nope: missing port in address', 500));
  expect((await h.call('GET', '/proxies/db')).json()).toMatchObject({ listen, enabled: true, toxics: [{ type: 'noop' }] });
  expect(await echoes(listen)).toBe('ping');
});

it('refuses an out-of-range port while disabled, and reset then restores the proxy', async () => {
  await h.call('PATCH', '/proxies/db', { enabled: false });
  const reply = await h.call('PATCH', '/proxies/db', { listen: '127.0.0.1:99999' });
  expect(reply.status).toBe(500);
  expect(reply.text).toBe(errorBody('address 99999: invalid port', 500));
  expect((await h.call('GET', '/proxies/db')).json()).toMatchObject({ listen, enabled: false });
  expect((await h.call('POST', '/reset')).status).toBe(204);
  expect((await h.call('GET', '/proxies/db')).json()).toMatchObject({ listen, enabled: true, toxics: [] });
  expect(await echoes(listen)).toBe('ping');
});

it('refuses a listen host that does not resolve, leaving the proxy as it was', async () => {
  const server = await startToxiproxyServer({
    port: 0,
    lookup: async (host) => {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    },
  });
  try {
    const call = (method: string, path: string, body: unknown) =>
      fetch(`${server.url}${path}`, { method, body: JSON.stringify(body) });
    const created = await (await call('POST', '/proxies', { name: 'x', listen: '127.0.0.1:0', upstream: upstream.address })).json();
    const reply = await call('PATCH', '/proxies/x', { listen: 'nowhere.invalid:0' });
    expect(reply.status).toBe(500);
    expect(await reply.text()).toBe(errorBody('lookup nowhere.invalid: no such host', 500));
    expect(await (await fetch(`${server.url}/proxies/x`)).json()).toEqual(created);
  } finally {
    await server.close();
  }
});

it('resets every other proxy when one cannot bind, then reports that one', async () => {
  const taken = net.createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  try {
    const busy = `127.0.0.1:${(taken.address() as net.AddressInfo).port}`;
    // "a" sorts first: a reset that stopped at the first failure would leave "db" down with its toxic.
    await h.call('POST', '/proxies', { name: 'a', listen: '127.0.0.1:0', upstream: upstream.address, enabled: false });
    expect((await h.call('PATCH', '/proxies/a', { listen: busy })).status).toBe(200);
    await h.call('PATCH', '/proxies/db', { enabled: false });
    const reset = await h.call('POST', '/reset');
    expect(reset.status).toBe(500);
    expect(reset.text).toBe(errorBody(`listen tcp ${busy}: bind: address already in use`, 500));
    expect((await h.call('GET', '/proxies/db')).json()).toMatchObject({ listen, enabled: true, toxics: [] });
  } finally {
    taken.close();
  }
});

// ensureProxy sets up a named proxy through the API, keeps an unchanged one (and its toxics), and
// rewrites service URLs to go through it.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ensureProxy } from '../../../chaos/src/proxy/ensure-proxy.js';
import { startHarness, type Harness } from './support/harness.js';
import { connect, echoServer, type TestServer } from './support/sockets.js';

let h: Harness;
let echo: TestServer;

beforeEach(async () => {
  h = await startHarness();
  echo = await echoServer();
});
afterEach(async () => {
  await h.server.close();
  await echo.close();
});

it('creates a proxy in front of the upstream and routes traffic through it', async () => {
  const route = await ensureProxy(h.server.url, { name: 'svc', upstream: echo.address });
  expect(route.listen).toMatch(/^127\.0\.0\.1:\d+$/);
  const client = await connect(route.listen);
  client.socket.end('through');
  await client.closed;
  expect(client.data().toString()).toBe('through');
});

it('keeps an existing proxy with the same upstream, toxics included', async () => {
  const first = await ensureProxy(h.server.url, { name: 'svc', upstream: echo.address });
  await h.call('POST', '/proxies/svc/toxics', { type: 'noop' });
  const again = await ensureProxy(h.server.url, { name: 'svc', upstream: echo.address });
  expect(again.listen).toBe(first.listen);
  expect((await h.call('GET', '/proxies/svc/toxics')).json()).toHaveLength(1);
});

it('rewrites URLs of the upstream to the proxy and leaves others alone', async () => {
  const route = await ensureProxy(h.server.url, { name: 'svc', upstream: echo.address });
  expect(route.rewrite(`http://${echo.address}`)).toBe(`http://${route.listen}`);
  expect(route.rewrite(`http://${echo.address}/hooks/a?x=1`)).toBe(`http://${route.listen}/hooks/a?x=1`);
  expect(route.rewrite('http://example.test:9/x')).toBe('http://example.test:9/x');
});

it('throws with the API message when the proxy cannot be made', async () => {
  await expect(ensureProxy(h.server.url, { name: 'svc', upstream: '' })).rejects.toThrow(
    'cannot set up proxy svc: missing required field: upstream at proxy 1',
  );
});

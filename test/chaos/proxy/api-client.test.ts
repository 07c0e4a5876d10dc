// The real toxiproxy-node-client drives our server through every call it has, as it would drive
// Toxiproxy 2.12: create, populate, get, getAll, update, addToxic, getToxic, toxic update/remove,
// reset, getVersion.
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Latency } from 'toxiproxy-node-client';
import { echoServer, connectOutcome, type TestServer } from './support/sockets.js';
import { startHarness, type Harness } from './support/harness.js';

let h: Harness;
let upstream: TestServer;

beforeEach(async () => {
  h = await startHarness();
  upstream = await echoServer();
});
afterEach(async () => {
  await h.server.close();
  await upstream.close();
});

it('creates a proxy that listens on a real port and reports it', async () => {
  const proxy = await h.client.createProxy({ name: 'db', listen: '127.0.0.1:0', upstream: upstream.address });
  expect(proxy.name).toBe('db');
  expect(proxy.enabled).toBe(true);
  expect(proxy.upstream).toBe(upstream.address);
  expect(proxy.listen).toMatch(/^127\.0\.0\.1:[1-9]\d*$/);
  expect(await connectOutcome(proxy.listen)).toBe('connected');
});

it('gets one proxy and all proxies by name', async () => {
  await h.client.createProxy({ name: 'a', listen: '127.0.0.1:0', upstream: upstream.address });
  await h.client.createProxy({ name: 'b', listen: '127.0.0.1:0', upstream: upstream.address });
  const a = await h.client.get('a');
  const all = await h.client.getAll();
  expect(a.name).toBe('a');
  expect(Object.keys(all).sort()).toEqual(['a', 'b']);
  expect(all.b?.upstream).toBe(upstream.address);
});

it('populates several proxies and returns them', async () => {
  const proxies = await h.client.populate([
    { name: 'one', listen: '127.0.0.1:0', upstream: upstream.address },
    { name: 'two', listen: '127.0.0.1:0', upstream: upstream.address, enabled: false },
  ]);
  expect(proxies.one?.enabled).toBe(true);
  expect(proxies.two?.enabled).toBe(false);
  expect(await connectOutcome(proxies.one?.listen ?? '')).toBe('connected');
});

it('disables a proxy through update and re-enables it', async () => {
  const proxy = await h.client.createProxy({ name: 'db', listen: '127.0.0.1:0', upstream: upstream.address });
  const down = await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
  expect(down.enabled).toBe(false);
  expect(await connectOutcome(proxy.listen)).toBe('ECONNREFUSED');
  const up = await proxy.update({ enabled: true, listen: proxy.listen, upstream: proxy.upstream });
  expect(up.enabled).toBe(true);
  expect(await connectOutcome(proxy.listen)).toBe('connected');
});

it('adds, reads, updates and removes a toxic', async () => {
  const proxy = await h.client.createProxy({ name: 'db', listen: '127.0.0.1:0', upstream: upstream.address });
  const added = await proxy.addToxic<Latency>({
    name: 'slow',
    type: 'latency',
    stream: 'downstream',
    toxicity: 1,
    attributes: { latency: 100, jitter: 10 },
  });
  expect(added.toJson()).toEqual({
    name: 'slow',
    type: 'latency',
    stream: 'downstream',
    toxicity: 1,
    attributes: { latency: 100, jitter: 10 },
  });
  const fetched = await proxy.getToxic<Latency>('slow');
  expect(fetched.attributes.latency).toBe(100);
  const updated = await fetched.update({ ...fetched.toJson(), attributes: { latency: 250, jitter: 10 }, toxicity: 0.5 });
  expect(updated.attributes).toEqual({ latency: 250, jitter: 10 });
  expect(updated.toxicity).toBe(0.5);
  await updated.remove();
  expect((await h.call('GET', '/proxies/db/toxics')).json()).toEqual([]);
});

it('removes a proxy and frees its port', async () => {
  const proxy = await h.client.createProxy({ name: 'db', listen: '127.0.0.1:0', upstream: upstream.address });
  await proxy.remove();
  expect(Object.keys(await h.client.getAll())).toEqual([]);
  expect(await connectOutcome(proxy.listen)).toBe('ECONNREFUSED');
});

it('resets: re-enables every proxy and removes every toxic', async () => {
  const proxy = await h.client.createProxy({ name: 'db', listen: '127.0.0.1:0', upstream: upstream.address });
  await proxy.addToxic({ name: 't', type: 'timeout', stream: 'upstream', toxicity: 1, attributes: { timeout: 0 } });
  await proxy.update({ enabled: false, listen: proxy.listen, upstream: proxy.upstream });
  await h.client.reset();
  const after = await h.client.get('db');
  expect(after.enabled).toBe(true);
  expect((await h.call('GET', '/proxies/db')).json()).toMatchObject({ toxics: [] });
  expect(await connectOutcome(proxy.listen)).toBe('connected');
});

it('reports the Toxiproxy version it reproduces', async () => {
  expect(JSON.parse(await h.client.getVersion())).toEqual({ version: '2.12.0' });
});

it('surfaces API errors through the client as rejections', async () => {
  await h.client.createProxy({ name: 'db', listen: '127.0.0.1:0', upstream: upstream.address });
  await expect(h.client.createProxy({ name: 'db', listen: '127.0.0.1:0', upstream: upstream.address })).rejects.toThrow(
    'Request failed with status code 409',
  );
  await expect(h.client.get('missing')).rejects.toThrow('Request failed with status code 404');
});

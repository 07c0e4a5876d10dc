// The webhook dispatcher with real undici requests to a real receiver on 127.0.0.1: loopback is
// reachable outside production and refused in it; fake resolvers give private, mapped, mixed and
// rebinding answers; an allowlist opens loopback again; redirects are never followed.
import type { LookupAddress } from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request, type Dispatcher } from 'undici';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookDispatcher, type WebhookLookup } from '../../../reference-server/src/delivery/webhook-dispatcher.js';

let server: Server;
let port: number;
const received: { path: string; host: string }[] = [];
const dispatchers: Dispatcher[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    received.push({ path: req.url ?? '', host: req.headers.host ?? '' });
    if (req.url === '/redirect') res.writeHead(302, { location: `http://127.0.0.1:${port}/target` }).end();
    else res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterEach(async () => {
  received.length = 0;
  await Promise.all(dispatchers.splice(0).map((d) => d.close()));
});
afterAll(async () => new Promise<void>((resolve) => server.close(() => resolve())));

function dispatcher(production: boolean, extra: { allowCidrs?: string[]; lookup?: WebhookLookup } = {}): Dispatcher {
  const created = createWebhookDispatcher({ production, allowCidrs: extra.allowCidrs ?? [], lookup: extra.lookup, connectTimeoutMs: 2_000 });
  dispatchers.push(created);
  return created;
}

/** A resolver answering from a script, one answer per call (the last repeats), counting calls. */
function scriptedLookup(...answers: LookupAddress[][]): WebhookLookup & { calls: string[] } {
  const calls: string[] = [];
  const lookup = (hostname: string, _o: unknown, cb: (err: NodeJS.ErrnoException | null, a: LookupAddress[]) => void) => {
    calls.push(hostname);
    const answer = answers[Math.min(calls.length, answers.length) - 1] ?? [];
    setImmediate(() => cb(null, answer));
  };
  return Object.assign(lookup, { calls });
}

async function post(url: string, via: Dispatcher): Promise<number> {
  const res = await request(url, { method: 'POST', body: '{}', dispatcher: via });
  await res.body.text();
  return res.statusCode;
}

const v4 = (address: string): LookupAddress => ({ address, family: 4 });
const v6 = (address: string): LookupAddress => ({ address, family: 6 });
const blocked = { code: 'SSRF_BLOCKED', name: 'SsrfBlockedError' };

describe('webhook dispatcher', () => {
  it('reaches a loopback receiver outside production, by IP and by resolved name', async () => {
    expect(await post(`http://127.0.0.1:${port}/a`, dispatcher(false))).toBe(200);
    const lookup = scriptedLookup([v4('127.0.0.1')]);
    expect(await post(`http://receiver.test:${port}/b`, dispatcher(false, { lookup }))).toBe(200);
    expect(lookup.calls).toEqual(['receiver.test']);
    expect(received).toEqual([
      { path: '/a', host: `127.0.0.1:${port}` },
      { path: '/b', host: `receiver.test:${port}` },
    ]);
  });

  it('refuses loopback literal IPs in production before connecting', async () => {
    const via = dispatcher(true);
    await expect(post(`http://127.0.0.1:${port}/x`, via)).rejects.toMatchObject(blocked);
    await expect(post(`http://[::1]:${port}/x`, via)).rejects.toMatchObject(blocked);
    await expect(post(`http://[::ffff:127.0.0.1]:${port}/x`, via)).rejects.toMatchObject(blocked);
    expect(received).toEqual([]);
  });

  it('refuses names resolving to private, metadata or IPv4-mapped addresses in production', async () => {
    const answers = [[v4('10.0.0.5')], [v4('169.254.169.254')], [v6('::ffff:127.0.0.1')], [v6('::ffff:7f00:1')], [v6('fd00:ec2::254')]];
    for (const answer of answers) {
      const lookup = scriptedLookup(answer);
      const error = await post(`http://hooks.example.test:${port}/x`, dispatcher(true, { lookup })).catch((e: unknown) => e);
      expect(error, answer[0]?.address).toMatchObject({ ...blocked, host: 'hooks.example.test', address: answer[0]?.address });
    }
    expect(received).toEqual([]);
  });

  it('refuses a name whose answers mix public and private addresses, checking every one', async () => {
    const lookup = scriptedLookup([v4('8.8.8.8'), v4('127.0.0.1')]);
    const error = await post(`http://mixed.example.test:${port}/x`, dispatcher(true, { lookup })).catch((e: unknown) => e);
    expect(error).toMatchObject({ ...blocked, address: '127.0.0.1' });
    expect(received).toEqual([]);
  });

  it('dials the address it checked, so a rebinding answer cannot reach the receiver', async () => {
    // 127.0.0.2 stands in for an allowed address: nothing listens there, the receiver is on 127.0.0.1.
    // A dialler that resolved again after checking would get 127.0.0.1 and reach the receiver.
    const lookup = scriptedLookup([v4('127.0.0.2')], [v4('127.0.0.1')]);
    const via = dispatcher(true, { allowCidrs: ['127.0.0.2/32'], lookup });
    const first = await post(`http://rebind.example.test:${port}/x`, via).catch((e: unknown) => e);
    expect(first).toMatchObject({ code: 'ECONNREFUSED', address: '127.0.0.2' });
    expect(lookup.calls).toHaveLength(1);
    const second = await post(`http://rebind.example.test:${port}/x`, via).catch((e: unknown) => e);
    expect(second).toMatchObject({ ...blocked, address: '127.0.0.1' });
    expect(lookup.calls).toHaveLength(2);
    expect(received).toEqual([]);
  });

  it('reaches loopback in production when 127.0.0.0/8 is allowlisted', async () => {
    const lookup = scriptedLookup([v4('127.0.0.1')]);
    const via = dispatcher(true, { allowCidrs: ['127.0.0.0/8'], lookup });
    expect(await post(`http://127.0.0.1:${port}/literal`, via)).toBe(200);
    expect(await post(`http://allowed.example.test:${port}/named`, via)).toBe(200);
    expect(received.map((r) => r.path)).toEqual(['/literal', '/named']);
  });

  it('passes resolver failures and empty answers through as lookup errors', async () => {
    const failing: WebhookLookup = (hostname, _o, cb) =>
      setImmediate(() => cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), []));
    const error = await post(`http://missing.example.test:${port}/x`, dispatcher(true, { lookup: failing })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ENOTFOUND' });
    const empty = await post(`http://empty.example.test:${port}/x`, dispatcher(false, { lookup: scriptedLookup([]) })).catch((e: unknown) => e);
    expect(empty).toMatchObject({ code: 'ENOTFOUND' });
  });

  it('does not follow redirects', async () => {
    const res = await request(`http://127.0.0.1:${port}/redirect`, { method: 'POST', body: '{}', dispatcher: dispatcher(false) });
    await res.body.text();
    expect(res.statusCode).toBe(302);
    expect(received.map((r) => r.path)).toEqual(['/redirect']);
  });
});

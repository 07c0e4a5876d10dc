// The fetch the triggers-api adapter gives the SDK, against a real loopback server: the Response it
// builds (status, repeated headers, a body-less 204) and a rejection when nothing listens.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { undiciFetch } from '../../../scenarios/adapters/undici-fetch.js';
import { unusedPort } from '../../support/unused-port.js';

let server: Server;
let base = '';
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.url === '/empty') return void res.writeHead(204).end();
      res.writeHead(201, { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'], 'x-request-id': 'req_1' });
      res.end(JSON.stringify({ method: req.method, body, key: req.headers['idempotency-key'] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('undiciFetch', () => {
  it('sends method, headers and body, and answers a Response with status, headers and text', async () => {
    const res = await undiciFetch(`${base}/v1/events`, { method: 'POST', headers: { 'idempotency-key': 'k1' }, body: '{"a":1}' });
    expect(res.status).toBe(201);
    expect(res.ok).toBe(true);
    expect(res.headers.get('x-request-id')).toBe('req_1');
    expect(res.headers.get('set-cookie')).toBe('a=1, b=2');
    expect(await res.json()).toEqual({ method: 'POST', body: '{"a":1}', key: 'k1' });
  });

  it('answers a 204 without a body', async () => {
    const res = await undiciFetch(`${base}/empty`, { method: 'DELETE' });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
  });

  it('rejects when nothing listens, as fetch does', async () => {
    const port = await unusedPort();
    await expect(undiciFetch(`http://127.0.0.1:${port}/`)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});

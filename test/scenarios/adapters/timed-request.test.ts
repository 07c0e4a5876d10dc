// The adapters' HTTP call against real loopback servers: an answer's status and text, and status 0
// with a named reason (never a throw) for a refused connection, a deadline and a cancelled run.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { timedRequest } from '../../../scenarios/adapters/timed-request.js';
import { unusedPort } from '../../support/unused-port.js';

let server: Server;
let base = '';
const hung = new Set<import('node:http').ServerResponse>();

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.url === '/hang') return void hung.add(res);
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ method: req.method, body, type: req.headers['content-type'] }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const res of hung) res.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('timedRequest', () => {
  it('returns the status and body of the answer', async () => {
    const res = await timedRequest(`${base}/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' }, 5_000);
    expect(res.status).toBe(201);
    expect(JSON.parse(res.text)).toEqual({ method: 'POST', body: '{"a":1}', type: 'application/json' });
    expect(res.error).toBeUndefined();
  });

  it('answers TimeoutError when no answer comes within the deadline', async () => {
    expect(await timedRequest(`${base}/hang`, {}, 200)).toEqual({ status: 0, text: '', error: 'TimeoutError' });
  });

  it('answers AbortError when the signal cancels the request', async () => {
    const stop = new AbortController();
    const pending = timedRequest(`${base}/hang`, {}, 10_000, stop.signal);
    stop.abort();
    expect(await pending).toEqual({ status: 0, text: '', error: 'AbortError' });
  });

  it('names the socket error when nothing listens', async () => {
    const port = await unusedPort();
    expect(await timedRequest(`http://127.0.0.1:${port}/`, {}, 5_000)).toEqual({ status: 0, text: '', error: 'ECONNREFUSED' });
  });
});

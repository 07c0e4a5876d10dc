// The pooled sender: one fixed request per call against a real loopback server, the answer's status
// as the outcome, and status 0 (never a throw) when nothing answers.
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { undiciSender } from '../../load/src/undici-sender.js';
import { unusedPort } from '../support/unused-port.js';

const seen: { method?: string; url?: string; body: string; type?: string }[] = [];
const server = createServer((req: IncomingMessage, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString()));
  req.on('end', () => {
    seen.push({ method: req.method, url: req.url, body, type: req.headers['content-type'] });
    res.statusCode = req.url === '/missing' ? 404 : 201;
    res.end('{}');
  });
});
let origin = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('undiciSender', () => {
  it('sends the configured request and reports the status', async () => {
    const sender = undiciSender({ origin, path: '/events', method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(await sender.send()).toEqual({ ok: true, status: 201 });
    await sender.close();
    expect(seen.at(-1)).toEqual({ method: 'POST', url: '/events', body: '{"a":1}', type: 'application/json' });
  });

  it('reports a non-2xx answer as not ok', async () => {
    const sender = undiciSender({ origin, path: '/missing' });
    expect(await sender.send()).toEqual({ ok: false, status: 404 });
    await sender.close();
  });

  it('answers status 0 instead of throwing when nothing listens', async () => {
    const port = await unusedPort();
    const sender = undiciSender({ origin: `http://127.0.0.1:${port}`, path: '/' });
    expect(await sender.send()).toEqual({ ok: false, status: 0 });
    await sender.close();
  });
});

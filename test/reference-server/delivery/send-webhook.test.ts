// One delivery attempt against real loopback receivers: what it keeps of the response, and how it ends
// when the receiver is slow (no headers, or a body that keeps trickling past the attempt's deadline) or
// absent.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendWebhook } from '../../../reference-server/src/delivery/send-webhook.js';
import { createWebhookDispatcher, type WebhookLookup } from '../../../reference-server/src/delivery/webhook-dispatcher.js';
import { unusedPort } from '../../support/unused-port.js';
import { waitFor } from '../../support/wait-for.js';

const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
let server: Server;
let base: string;
const dispatcher = new Agent({ connections: 4 });
const timers = new Set<NodeJS.Timeout>();
/** Paths the receiver was sent, in order of arrival. */
const arrived: string[] = [];
/** Every connection the receiver accepted: bytes it read, and whether it has closed. */
const connections: { bytes: number; closed: boolean }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    arrived.push(req.url ?? '');
    req.resume();
    if (req.url === '/big') return void res.writeHead(200).end('x'.repeat(5_000));
    if (req.url === '/huge') {
      // Past the 64 KB an attempt reads: it keeps its 1 KB and closes the connection.
      res.writeHead(200);
      req.socket.once('close', () => arrived.push('/huge closed'));
      return void res.end('y'.repeat(200_000));
    }
    if (req.url === '/busy') return void res.writeHead(503, { 'retry-after': '7' }).end('later');
    if (req.url === '/silent') return; // never answers
    if (req.url === '/trickle') {
      // Headers at once, then a byte every 50 ms for up to 3 s: never idle long enough for the
      // per-chunk timeout, so only the attempt's own deadline can end it early.
      res.writeHead(200);
      let sent = 0;
      const tick = setInterval(() => {
        if (res.destroyed || ++sent > 60) {
          clearInterval(tick);
          timers.delete(tick);
          return void res.end();
        }
        res.write('.');
      }, 50);
      timers.add(tick);
      return;
    }
    res.writeHead(200).end('ok');
  });
  // Idle connections stay open through a test: only the client closes one.
  server.keepAliveTimeout = 60_000;
  server.on('connection', (socket) => {
    const seen = { bytes: 0, closed: false };
    connections.push(seen);
    socket.on('data', (d: Buffer) => (seen.bytes += d.length));
    socket.on('close', () => (seen.closed = true));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  for (const t of timers) clearInterval(t);
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await dispatcher.close();
});

const attempt = (path: string, timeoutMs = 10_000) =>
  sendWebhook({ url: `${base}${path}`, secret, messageId: 'msg_1', body: '{"type":"test"}', attempt: 1, nowMs: Date.now(), timeoutMs, dispatcher });

describe('one delivery attempt', () => {
  it('keeps the status and the first 1 KB of the response', async () => {
    const out = await attempt('/big');
    expect(out.result).toMatchObject({ kind: 'response', statusCode: 200 });
    expect(out.responseBody).toBe('x'.repeat(1024));
  });

  it('ends as a timeout when the receiver never answers', async () => {
    const out = await attempt('/silent', 300);
    expect(out.result).toMatchObject({ kind: 'error', errorClass: 'timeout' });
  });

  it('ends as a timeout at its deadline when the body keeps trickling, though no chunk is late', async () => {
    const out = await attempt('/trickle', 400);
    expect(out.result).toMatchObject({ kind: 'error', errorClass: 'timeout' });
  });

  it('keeps 1 KB of a body past 64 KB, closes that connection, and the next attempt still goes through', async () => {
    const out = await attempt('/huge');
    expect(out.result).toMatchObject({ kind: 'response', statusCode: 200 });
    expect(out.responseBody).toBe('y'.repeat(1024));
    await waitFor(() => arrived.includes('/huge closed'), { timeoutMs: 5_000, intervalMs: 10, message: 'the connection of the oversized response closed' });
    expect((await attempt('/')).result).toMatchObject({ kind: 'response', statusCode: 200 });
  });

  it('reports the status and Retry-After of a refusal', async () => {
    const out = await attempt('/busy');
    expect(out.result).toEqual({ kind: 'response', statusCode: 503, retryAfter: '7' });
    expect(out.responseBody).toBe('later');
  });

  it('ends at its deadline while the connection is still being made, and never sends that request', async () => {
    // A resolver that answers only once released: no connection can open before the deadline.
    const waiting: (() => void)[] = [];
    const slowLookup: WebhookLookup = (_host, _options, callback) => {
      waiting.push(() => callback(null, [{ address: '127.0.0.1', family: 4 }]));
    };
    const slow = createWebhookDispatcher({ production: false, allowCidrs: [], lookup: slowLookup });
    try {
      const url = `${base.replace('127.0.0.1', 'receiver.test')}/never-sent`;
      const out = await sendWebhook({ url, secret, messageId: 'msg_3', body: '{}', attempt: 1, nowMs: Date.now(), timeoutMs: 200, dispatcher: slow });
      expect(out.result).toMatchObject({ kind: 'error', errorClass: 'timeout' });
      // Not held until the connection opens, or until its connect timeout (10 s): the deadline ends it.
      expect(out.latencyMs).toBeLessThan(2_000);
      // Once the connection opens, the stopped request is dropped before a byte of it is written.
      const opened = connections.length;
      for (const answer of waiting.splice(0)) answer();
      await waitFor(() => connections.slice(opened).some((c) => c.closed), { timeoutMs: 5_000, intervalMs: 10, message: 'the late connection opened and closed' });
      expect(connections.slice(opened).find((c) => c.closed)!.bytes).toBe(0);
      expect(arrived).not.toContain('/never-sent');
    } finally {
      await slow.destroy();
    }
  });

  it('ends as a connection error when nothing listens', async () => {
    const port = await unusedPort();
    const out = await sendWebhook({ url: `http://127.0.0.1:${port}/`, secret, messageId: 'msg_2', body: '{}', attempt: 1, nowMs: Date.now(), timeoutMs: 2_000, dispatcher });
    expect(out.result).toMatchObject({ kind: 'error', errorClass: 'connection' });
  });
});

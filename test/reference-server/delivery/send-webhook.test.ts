// One delivery attempt against real loopback receivers: what it keeps of the response, and how it ends
// when the receiver is slow (no headers, or a body that keeps trickling past the attempt's deadline) or
// absent.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendWebhook } from '../../../reference-server/src/delivery/send-webhook.js';
import { unusedPort } from '../../support/unused-port.js';

const secret = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;
let server: Server;
let base: string;
const dispatcher = new Agent({ connections: 4 });
const timers = new Set<NodeJS.Timeout>();

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    if (req.url === '/big') return void res.writeHead(200).end('x'.repeat(5_000));
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

  it('ends as a connection error when nothing listens', async () => {
    const port = await unusedPort();
    const out = await sendWebhook({ url: `http://127.0.0.1:${port}/`, secret, messageId: 'msg_2', body: '{}', attempt: 1, nowMs: Date.now(), timeoutMs: 2_000, dispatcher });
    expect(out.result).toMatchObject({ kind: 'error', errorClass: 'connection' });
  });
});

// Request bodies: an unknown route or method is answered without reading the body (as Go's router
// does), and a body past the API's limit is refused with 413 as soon as that is known, so a huge or
// endless upload cannot grow the proxy's memory. Raw sockets send headers that promise 300 MB.
import net from 'node:net';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { startToxiproxyServer, type ToxiproxyServer } from '../../../chaos/src/proxy/server.js';
import { waitFor } from '../../support/wait-for.js';
import { splitAddress } from './support/sockets.js';

let server: ToxiproxyServer;
const sockets: net.Socket[] = [];

beforeEach(async () => {
  server = await startToxiproxyServer({ port: 0, seed: 1, maxBodyBytes: 1000 });
});
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await server.close();
});

/** Sends `head` and then `body` chunks of 64 KB (never finishing it), and collects the answer. */
function upload(head: string, chunks: number) {
  const [host, port] = splitAddress(server.url.replace('http://', ''));
  const socket = net.connect(port, host);
  sockets.push(socket);
  let answer = '';
  socket.on('data', (data: Buffer) => (answer += data.toString()));
  socket.on('error', () => {});
  socket.write(head);
  for (let i = 0; i < chunks; i++) socket.write(Buffer.alloc(64 * 1024, 0x20));
  return { answer: () => answer };
}

const bigHead = (method: string, path: string) =>
  `${method} ${path} HTTP/1.1\r\nHost: proxy\r\nContent-Type: application/json\r\nContent-Length: 314572800\r\n\r\n`;
const statusOf = async (reply: { answer(): string }): Promise<string> =>
  (await waitFor(() => /^HTTP\/1\.1 (\d{3})/.exec(reply.answer()), { timeoutMs: 5000, message: 'an answer' }))[1] ?? '';

it('answers 404 for an unknown path without waiting for a 300 MB body', async () => {
  expect(await statusOf(upload(bigHead('POST', '/nowhere'), 1))).toBe('404');
});

it('answers 405 for an unknown method without waiting for a 300 MB body', async () => {
  expect(await statusOf(upload(bigHead('PUT', '/proxies'), 1))).toBe('405');
});

it('refuses a body whose length is over the limit with 413 before reading it', async () => {
  const reply = upload(bigHead('POST', '/proxies'), 1);
  expect(await statusOf(reply)).toBe('413');
  expect(reply.answer()).toContain('{"error":"request body too large: the limit is 1000 bytes","status":413}');
});

it('stops reading a chunked body with 413 once it passes the limit', async () => {
  const head = 'POST /populate HTTP/1.1\r\nHost: proxy\r\nTransfer-Encoding: chunked\r\n\r\n';
  const reply = upload(head, 0);
  const chunk = Buffer.alloc(600, 0x20);
  for (let i = 0; i < 4; i++) sockets[0]?.write(`${chunk.length.toString(16)}\r\n${chunk.toString()}\r\n`);
  expect(await statusOf(reply)).toBe('413');
});

it('still reads a body just under the limit', async () => {
  const body = JSON.stringify({ name: 'padded', listen: '127.0.0.1:0', upstream: '127.0.0.1:1', enabled: false });
  const reply = await fetch(`${server.url}/proxies`, { method: 'POST', body: body.padEnd(1000, ' ') });
  expect(reply.status).toBe(201);
  const over = await fetch(`${server.url}/proxies`, { method: 'POST', body: body.padEnd(1001, ' ') });
  expect(over.status).toBe(413);
});

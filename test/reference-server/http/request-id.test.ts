// Request ids: echoed on every response, and carried through the request's async calls (where chaos
// injections read it) only while the app asks for it — carrying costs promise hooks process-wide.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, expect, it } from 'vitest';
import { currentRequestId } from '../../../reference-server/src/http/request-context.js';
import { requestId } from '../../../reference-server/src/http/request-id.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** An app answering with the request id its handler sees after an await, its carry switch given. */
async function start(carry: () => boolean) {
  let n = 0;
  const app = express();
  app.use(requestId({ next: (prefix) => `${prefix}_${++n}` }, carry));
  app.get('/', async (_req, res) => {
    await new Promise((r) => setImmediate(r));
    res.json({ current: currentRequestId() ?? null });
  });
  server = createServer(app);
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

it('carries the request id through async calls while asked to, and not otherwise', async () => {
  let carrying = true;
  const url = await start(() => carrying);
  const carried = await fetch(url, { headers: { 'x-request-id': 'req-given' } });
  expect(carried.headers.get('x-request-id')).toBe('req-given');
  expect(await carried.json()).toEqual({ current: 'req-given' });

  carrying = false;
  const plain = await fetch(url);
  expect(plain.headers.get('x-request-id')).toBe('req_1');
  expect(await plain.json()).toEqual({ current: null });
});

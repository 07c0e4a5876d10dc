// The app's server builds requests and responses with the app's own prototypes, so Express never has
// to change an object's prototype per request (the cost is in docs/BENCHMARKS.md), and the app behaves
// the same on it as on any other server.
import express, { type Express } from 'express';
import { createServer, IncomingMessage, ServerResponse, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { createAppServer } from '../../../reference-server/src/http/app-server.js';
import { startTestApi, type TestApi } from '../../support/test-api.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

async function listen(server: Server): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** The prototypes each request and response had when the server handed them over, before Express ran. */
function prototypesOnArrival(server: Server): { req: object; res: object }[] {
  const seen: { req: object; res: object }[] = [];
  server.prependListener('request', (req, res) => seen.push({ req: Object.getPrototypeOf(req), res: Object.getPrototypeOf(res) }));
  return seen;
}

function echoApp(): Express {
  const app = express();
  app.use(express.json());
  app.post('/echo', (req, res) => {
    res.status(201).json({ same_app: req.app === app && res.app === app, header: req.get('x-probe'), body: req.body as unknown });
  });
  return app;
}

const post = (url: string) =>
  fetch(`${url}/echo`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-probe': 'p1' }, body: JSON.stringify({ n: 1 }) });

it("hands Express requests and responses that already have the app's prototypes", async () => {
  const app = echoApp();
  const server = createAppServer(app);
  const seen = prototypesOnArrival(server);
  const res = await post(await listen(server));
  expect(res.status).toBe(201);
  expect(await res.json()).toEqual({ same_app: true, header: 'p1', body: { n: 1 } });
  expect(seen).toHaveLength(1);
  expect(seen[0]!.req).toBe(app.request);
  expect(seen[0]!.res).toBe(app.response);
  // Still Node's classes underneath, with Express's methods on the way.
  expect(app.request).toBeInstanceOf(IncomingMessage);
  expect(app.response).toBeInstanceOf(ServerResponse);
  expect(typeof (app.response as { json?: unknown }).json).toBe('function');
});

it('serves the same app from a second server of its own and from a plain one', async () => {
  const app = echoApp();
  const first = createAppServer(app);
  const request = app.request;
  const second = createAppServer(app);
  expect(app.request).toBe(request);
  const plain = createServer(app);
  const onPlain = prototypesOnArrival(plain);
  for (const server of [first, second, plain]) {
    const res = await post(await listen(server));
    expect(await res.json()).toEqual({ same_app: true, header: 'p1', body: { n: 1 } });
  }
  // A plain server's requests arrive as Node made them; Express gives them the app's prototype itself.
  expect(onPlain[0]!.req).toBe(IncomingMessage.prototype);
});

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi({ WORKER_ENABLED: 'false' });
});
afterAll(async () => api?.close());

it("the Triggers API's own server builds requests with Express's methods already on them", async () => {
  const seen = prototypesOnArrival(api.server);
  const res = await api.call('GET', '/health/live');
  expect(res.status).toBe(200);
  expect(seen.length).toBeGreaterThan(0);
  expect(typeof (seen[0]!.req as { get?: unknown }).get).toBe('function');
  expect(typeof (seen[0]!.res as { json?: unknown }).json).toBe('function');
});

// The worker's side of the wake stream against real stream servers on loopback (the server's own route
// and hub, without a store): woken per kind, connected across heartbeats, and back after a refusal, a
// server that went away and a server not known yet — with one log line per outage, not per attempt.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { pino } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { wakeToken, type WakeKind } from '../../../reference-server/src/domain/worker-wake.js';
import { errorHandler } from '../../../reference-server/src/http/error-handler.js';
import { WakeHub } from '../../../reference-server/src/http/wake-hub.js';
import { wakeStreamRouter } from '../../../reference-server/src/http/wake-stream.js';
import { followWakeStream, type WakeFollower } from '../../../reference-server/src/workers/wake-follower.js';
import { waitFor } from '../../support/wait-for.js';

const TOKEN = wakeToken('wake-follower-test-secrets-key-0123456789');
const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface StreamServer {
  url: string;
  hub: WakeHub;
  /** Stream requests received, answered or refused. */
  requests: number;
  /** Bytes written to every connection so far (heartbeats included). */
  bytesWritten(): number;
  close(): Promise<void>;
}

/** The server's wake stream route alone, on a free port, accepting `token`. */
async function streamServer(token = TOKEN, heartbeatMs = 15_000): Promise<StreamServer> {
  const hub = new WakeHub({ heartbeatMs });
  const app = express();
  const s: StreamServer = { url: '', hub, requests: 0, bytesWritten: () => 0, close: async () => {} };
  app.use((_req, _res, next) => {
    s.requests++;
    next();
  });
  app.use(wakeStreamRouter({ hub, token }));
  app.use(errorHandler(pino({ level: 'silent' })));
  const server: Server = createServer(app);
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (socket) => sockets.add(socket));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  s.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  s.bytesWritten = () => [...sockets].reduce((n, socket) => n + socket.bytesWritten, 0);
  s.close = async () => {
    hub.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  };
  cleanups.push(() => s.close());
  return s;
}

/** A follower of whatever `target.url` names (undefined: none known), recording wakes and log lines. */
function follower(target: { url?: string }) {
  const wakes: WakeKind[] = [];
  const logs: { level: number; msg: string; reason?: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  let asked = 0;
  const f: WakeFollower = followWakeStream({
    resolveUrl: () => {
      asked++;
      return target.url;
    },
    token: TOKEN,
    onWake: (kind) => wakes.push(kind),
    logger,
    pollMs: 250,
    reconnect: { initialMs: 10, maxMs: 40 },
  });
  cleanups.push(() => f.stop());
  return { f, wakes, asked: () => asked, warnings: () => logs.filter((l) => l.level === 40), infos: () => logs.filter((l) => l.level === 30).map((l) => l.msg) };
}

it('is woken per kind, once for each kind on connecting, and stays connected across heartbeats', async () => {
  const server = await streamServer(TOKEN, 10);
  const w = follower(server);
  await waitFor(() => w.f.connected && w.wakes.length === 2, { message: 'connected' });
  expect(new Set(w.wakes)).toEqual(new Set(['events', 'deliveries']));
  const sent = server.bytesWritten();
  await waitFor(() => server.bytesWritten() >= sent + 10 * ': keep-alive\n\n'.length, { message: 'ten heartbeats' });
  server.hub.notify('events');
  await waitFor(() => w.wakes.length === 3, { message: 'woken' });
  server.hub.notify('deliveries');
  await waitFor(() => w.wakes.length === 4, { message: 'woken again' });
  expect(w.wakes.slice(2)).toEqual(['events', 'deliveries']);
  expect(server.requests).toBe(1);
  expect(w.warnings()).toEqual([]);
  await w.f.stop();
  expect(w.f.connected).toBe(false);
});

it('keeps trying through a refusal and a restart, warning once per outage, and is woken by the next server', async () => {
  const refusing = await streamServer('a-token-from-another-secrets-key');
  const target: { url?: string } = { url: refusing.url };
  const w = follower(target);
  await waitFor(() => refusing.requests >= 4, { message: 'several refused attempts' });
  expect(w.warnings()).toEqual([expect.objectContaining({ reason: expect.stringMatching(/^HTTP 401 unauthorized: .*SECRETS_KEY/) })]);

  const first = await streamServer();
  target.url = first.url;
  await waitFor(() => w.f.connected, { message: 'connected to the right server' });
  first.hub.notify('events');
  await waitFor(() => w.wakes.filter((k) => k === 'events').length === 2, { message: 'woken by the first server' });

  // The server goes away; the next one listens elsewhere (as after a restart on PORT=0).
  await first.close();
  await waitFor(() => !w.f.connected && w.warnings().length === 2, { message: 'outage noticed' });
  const asked = w.asked();
  await waitFor(() => w.asked() >= asked + 4, { message: 'several attempts while down' });
  const next = await streamServer();
  target.url = next.url;
  await waitFor(() => w.f.connected, { message: 'reconnected' });
  next.hub.notify('events');
  await waitFor(() => w.wakes.filter((k) => k === 'events').length === 4, { message: 'woken by the next server' });
  expect(w.warnings()).toHaveLength(2);
  expect(w.infos()).toEqual(['following the wake stream', 'wake stream back']);
});

it('says once how to set the URL while none is known, and follows the server once one is', async () => {
  const target: { url?: string } = {};
  const w = follower(target);
  await waitFor(() => w.asked() >= 4, { message: 'asked several times' });
  expect(w.infos()).toEqual([expect.stringMatching(/^no wake stream to follow: set WORKER_WAKE_URL/)]);
  const server = await streamServer();
  target.url = server.url;
  await waitFor(() => w.f.connected, { message: 'connected once known' });
  expect(w.warnings()).toEqual([]);
});

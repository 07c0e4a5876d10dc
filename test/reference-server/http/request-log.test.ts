// Request logging: one line per request at the level its status calls for, and nothing (not even a
// serialised request) when the logger's level would drop it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import express from 'express';
import { pino, type Level } from 'pino';
import { afterEach, expect, it } from 'vitest';
import { requestLog } from '../../../reference-server/src/http/request-log.js';
import { waitFor } from '../../support/wait-for.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

/** An app that answers /status/:code with that code, logging through a logger at `level` into `lines`. */
async function start(level: Level) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const app = express();
  app.use((_req, res, next) => {
    res.locals.requestId = 'req_test';
    next();
  });
  app.use(requestLog(pino({ level }, sink)));
  app.get('/status/:code', (req, res) => void res.status(Number(req.params.code)).json({}));
  server = createServer(app);
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { lines, get: (code: number) => fetch(`${url}/status/${code}?q=1`).then((r) => r.text()) };
}

it('logs success at debug, a client error at info and a server error at error, once each', async () => {
  const { lines, get } = await start('debug');
  for (const code of [201, 404, 503]) await get(code);
  await waitFor(() => lines.length >= 3, { timeoutMs: 2_000, message: 'three log lines' });
  expect(lines.map((l) => [l.level, l.msg, (l.res as { statusCode: number }).statusCode])).toEqual([
    [20, 'request completed', 201],
    [30, 'request completed', 404],
    [50, 'request errored', 503],
  ]);
  expect(lines[0]).toMatchObject({ request_id: 'req_test', req: { method: 'GET', url: '/status/201?q=1' } });
  expect(typeof lines[0]!.responseTime).toBe('number');
});

it('writes nothing for requests below the logger level', async () => {
  const { lines, get } = await start('warn');
  await get(200);
  await get(404);
  await get(500);
  await waitFor(() => lines.length >= 1, { timeoutMs: 2_000, message: 'the server error line' });
  expect(lines.map((l) => l.msg)).toEqual(['request errored']);
});

// A real webhook receiver on 127.0.0.1 for tests and benchmarks: records every request (headers,
// raw body, time) and answers with whatever the test's responder decides, optionally after a delay.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
  n: number;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  /** Hold the response this long (ms) before answering. */
  delayMs?: number;
  /** Never answer (the test closes the receiver). */
  hang?: boolean;
}

export interface Receiver {
  url: string;
  received: Received[];
  /** Bodies parsed as JSON. */
  json<T = Record<string, unknown>>(): T[];
  respond(fn: (req: Received) => Reply): void;
  close(): Promise<void>;
}

/** Starts a receiver answering 200 until told otherwise. */
export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  let responder: (req: Received) => Reply = () => ({ status: 200 });
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry: Received = { headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now(), n: received.length + 1 };
      received.push(entry);
      const reply = responder(entry);
      if (reply.hang) return;
      const send = () => res.writeHead(reply.status, reply.headers).end(reply.body ?? '');
      if (reply.delayMs) setTimeout(send, reply.delayMs);
      else send();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    json: <T>() => received.map((r) => JSON.parse(r.body) as T),
    respond: (fn) => {
      responder = fn;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

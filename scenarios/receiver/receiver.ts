// The runner's own webhook receiver: a real HTTP server (127.0.0.1 unless told otherwise) that records
// every request (delivery id, event id, arrival and answer times, what it answered) and misbehaves on
// demand (status, delay, hang, reset, trickle) while a `receiver` fault is active.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { ReceiptRecord } from '../history/history.js';
import type { ReceiverFault } from '../scenario/fault-schema.js';

/** Who a request is: read from its headers and body by the adapter. */
export interface ReceiptIdentity {
  delivery_id: string;
  event_id: string;
  webhook_id: string;
}

/** What the receiver needs from the run. */
export interface ReceiverOptions {
  /** Milliseconds since the run started. */
  now: () => number;
  /** Draws in [0, 1) for a fault's `probability` (seeded, so a replay misbehaves on the same receipts). */
  random: () => number;
  identify: (headers: IncomingHttpHeaders, body: string) => ReceiptIdentity;
  /** Called with every finished receipt, in the order they finish, with the request it answered. */
  onReceipt: (receipt: ReceiptRecord, request: ReceivedRequest) => void;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** Port (default 0: a free one). */
  port?: number;
  /** Sees each request first; returning true means it answered it (e.g. a control API), so it is no receipt. */
  intercept?: (req: IncomingMessage, res: ServerResponse, body: string) => boolean;
}

/** The request behind a receipt, as it arrived. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A running receiver. */
export interface Receiver {
  /** Where webhooks should point, e.g. `http://127.0.0.1:41234/hook`. */
  url: string;
  /** `host:port`, for a proxy link in front of it. */
  address: string;
  /** Starts misbehaving as `fault` says, until `heal()` (a remote receiver: once its answer came). */
  inject(fault: ReceiverFault): void | Promise<void>;
  /** Back to answering 200 at once; hung requests are cut (recorded with status 0). */
  heal(): void | Promise<void>;
  /** Requests being answered right now. */
  inFlight(): number;
  close(): Promise<void>;
}

/**
 * Starts the receiver (by default on a free loopback port). Rejects when it cannot listen.
 * @example const receiver = await startReceiver({ now, random, identify, onReceipt: (r) => history.push(r) });
 */
export async function startReceiver(options: ReceiverOptions): Promise<Receiver> {
  let fault: ReceiverFault | undefined;
  const hung = new Set<() => void>();
  const sockets = new Set<Socket>();
  let active = 0;

  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const start = options.now();
    active++;
    let identity: ReceiptIdentity;
    try {
      identity = options.identify(req.headers, body);
    } catch {
      identity = { delivery_id: String(req.headers['webhook-id'] ?? ''), event_id: '', webhook_id: '' };
    }
    let finished = false;
    const finish = (status: number) => {
      if (finished) return;
      finished = true;
      active--;
      options.onReceipt({ kind: 'receipt', ...identity, start, end: options.now(), status }, { method: req.method ?? 'GET', path: req.url ?? '/', headers: req.headers, body });
    };
    const current = fault !== undefined && (fault.probability === undefined || options.random() < fault.probability) ? fault : undefined;
    if (current?.reset) {
      req.socket.destroy();
      return finish(0);
    }
    if (current?.hang) {
      const cut = () => {
        hung.delete(cut);
        req.socket.destroy();
        finish(0);
      };
      hung.add(cut);
      // The sender may give up first (its timeout): the receipt ends when it hangs up, not at the heal,
      // or a retry it sends meanwhile would read as a second delivery while the first was still open.
      res.on('close', cut);
      return;
    }
    const status = current?.status ?? 200;
    const answer = () => {
      if (res.destroyed) return;
      if (current?.trickle !== undefined && status < 300) return trickle(res, current.trickle, () => finish(status));
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'refused');
      finish(status);
    };
    res.on('close', () => finish(res.writableFinished ? status : 0));
    if (current?.delay !== undefined) setTimeout(answer, current.delay);
    else answer();
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      if (!options.intercept?.(req, res, body)) handle(req, res, body);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const heal = () => {
    fault = undefined;
    for (const cut of [...hung]) cut();
  };
  return {
    url: `http://${host}:${port}/hook`,
    address: `${host}:${port}`,
    inject: (f) => {
      fault = f;
    },
    heal,
    inFlight: () => active,
    close: async () => {
      heal();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Answers 200 with a body sent a byte at a time, spread over `ms` (a slow reader on the other side). */
function trickle(res: ServerResponse, ms: number, done: () => void): void {
  const body = 'ok-trickled';
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(body.length) });
  let sent = 0;
  const step = Math.max(1, Math.floor(ms / body.length));
  const timer = setInterval(() => {
    if (res.destroyed) {
      clearInterval(timer);
      return;
    }
    res.write(body[sent++]);
    if (sent === body.length) {
      clearInterval(timer);
      res.end();
      done();
    }
  }, step);
}

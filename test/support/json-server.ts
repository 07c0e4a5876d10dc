// A node:http server for small fake services in tests: each request's body is read whole, and the
// handler answers with JSON through `send`.
import { createServer, type IncomingMessage, type Server } from 'node:http';

/** Handles one request: the request, its body as text, and a way to answer `status` with `value` as JSON. */
export type JsonHandler = (req: IncomingMessage, body: string, send: (status: number, value: unknown) => void) => void;

/** A server (not yet listening) that hands every request, body read, to `handle`. */
export function jsonServer(handle: JsonHandler): Server {
  return createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => handle(req, body, (status, value) => void res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value))));
  });
}

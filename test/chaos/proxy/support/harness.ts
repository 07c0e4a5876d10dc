// Starts our Toxiproxy-compatible server with the real toxiproxy-node-client pointed at it, plus a
// small JSON helper for the calls the client has no method for.
import { Toxiproxy } from 'toxiproxy-node-client';
import { startToxiproxyServer, type ToxiproxyServer } from '../../../../chaos/src/proxy/server.js';

/** A running server and a client for it. */
export interface Harness {
  server: ToxiproxyServer;
  client: Toxiproxy;
  /** Raw API call: status, headers and body text. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiReply>;
}

/** A raw API answer. */
export interface ApiReply {
  status: number;
  text: string;
  headers: Headers;
  json<T = unknown>(): T;
}

/** Starts a server on a free port (seeded if asked). */
export async function startHarness(seed = 1): Promise<Harness> {
  const server = await startToxiproxyServer({ port: 0, seed });
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const init: RequestInit = { method, headers };
    if (body !== undefined) init.body = typeof body === 'string' ? body : JSON.stringify(body);
    const response = await fetch(`${server.url}${path}`, init);
    const text = await response.text();
    return { status: response.status, text, headers: response.headers, json: <T>() => JSON.parse(text) as T };
  };
  return { server, client: new Toxiproxy(server.url), call };
}

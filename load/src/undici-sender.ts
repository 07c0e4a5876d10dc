// Sends one fixed HTTP request per call through an undici pool of keep-alive connections: the cheap
// path for high open-model rates, where fetch's per-request cost would cap the generator first.
import { Pool } from 'undici';
import type { Outcome } from './open-model.js';

export interface UndiciSenderOptions {
  /** `http://host:port` of the service. */
  origin: string;
  path: string;
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  headers?: Record<string, string>;
  body?: string;
  /** Keep-alive connections (default 64): requests beyond them queue inside the pool. */
  connections?: number;
  /** Requests in flight per connection (default 1: HTTP pipelining stalls a connection behind a slow answer). */
  pipelining?: number;
}

/** A sender for {@link runOpenModel}: `send` never throws (no answer is status 0), `close` ends the pool. */
export interface UndiciSender {
  send: () => Promise<Outcome>;
  close: () => Promise<void>;
}

/**
 * Builds a sender on one pool.
 * @example
 * const s = undiciSender({ origin: 'http://127.0.0.1:8080', path: '/health/live' });
 * await runOpenModel({ rate: 5_000, durationMs: 10_000, send: s.send });
 * await s.close();
 */
export function undiciSender(opts: UndiciSenderOptions): UndiciSender {
  const pool = new Pool(opts.origin, { connections: opts.connections ?? 64, pipelining: opts.pipelining ?? 1 });
  const request = { path: opts.path, method: opts.method ?? 'GET', headers: opts.headers, body: opts.body };
  return {
    async send() {
      try {
        const res = await pool.request(request);
        await res.body.dump();
        return { ok: res.statusCode >= 200 && res.statusCode < 300, status: res.statusCode };
      } catch {
        return { ok: false, status: 0 };
      }
    },
    close: () => pool.close(),
  };
}

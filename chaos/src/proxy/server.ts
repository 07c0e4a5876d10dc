// Starts a Toxiproxy-compatible server in this process: the HTTP API plus every proxy it creates.
// Tests and scenarios embed it; the CLI runs it standalone.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatAddress, type HostLookup } from './address.js';
import { createApiHandler, defaultMaxBodyBytes } from './api.js';
import { ProxyMetrics } from './metrics.js';
import { ProxyCollection } from './proxy-collection.js';
import { createRandom, freshSeed } from './random.js';

/** Where and how to run the server. */
export interface ToxiproxyServerOptions {
  /** Interface for the API; default 127.0.0.1 (never all interfaces unless asked). */
  host?: string;
  /** API port; default 8474, 0 picks a free port. */
  port?: number;
  /** Seed for every random decision (jitter, slicing, toxicity); default: a fresh random seed. */
  seed?: number;
  /** Largest request body the API reads, in bytes; past it the answer is 413. Default 1 MiB. */
  maxBodyBytes?: number;
  /** Resolves listen host names; default the system resolver (tests inject one to order lookups). */
  lookup?: HostLookup;
}

/** A running server. */
export interface ToxiproxyServer {
  /** Base URL of the API, e.g. `http://127.0.0.1:8474`. */
  url: string;
  port: number;
  /** The seed in use (the given one, or the fresh one drawn at start), for replaying a run. */
  seed: number;
  /** The proxies, for in-process callers (populating from a file, inspecting). */
  proxies: ProxyCollection;
  /** Stops the API and every proxy, dropping their connections. */
  close(): Promise<void>;
}

/**
 * Starts the API server and resolves once it listens. Rejects if the port cannot be bound.
 *
 * @example
 * const server = await startToxiproxyServer({ port: 0, seed: 7 });
 * const toxiproxy = new Toxiproxy(server.url);
 * await toxiproxy.createProxy({ name: 'db', listen: '127.0.0.1:0', upstream: '127.0.0.1:8000' });
 * await server.close();
 */
export async function startToxiproxyServer(options: ToxiproxyServerOptions = {}): Promise<ToxiproxyServer> {
  const host = options.host ?? '127.0.0.1';
  const seed = options.seed ?? freshSeed();
  const metrics = new ProxyMetrics();
  const proxies = new ProxyCollection(createRandom(seed), metrics, undefined, options.lookup);
  const server = http.createServer(
    createApiHandler(proxies, metrics, { maxBodyBytes: options.maxBodyBytes ?? defaultMaxBodyBytes }),
  );
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8474, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${formatAddress(host, port)}`,
    port,
    seed,
    proxies,
    close: async () => {
      // Refuse new API calls first, then let queued proxy changes finish and stop every proxy, so no
      // listener outlives the server (a leftover one would keep the process from exiting).
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await proxies.close();
      server.closeAllConnections();
      await closed;
    },
  };
}

// A running Triggers API server: the assembly (assemble.ts) with the API role, listening on
// HOST:PORT, and a close that drains in-flight requests before stopping the rest.
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Express } from 'express';
import { createAppServer } from './http/app-server.js';
import { assemble, serverRoles, type AssembleOptions, type Assembly, type Roles } from './assemble.js';
import type { Config } from './config.js';

/** Options of {@link startTriggersApi}: the assembly's, plus roles other than `npm start`'s. */
export interface StartOptions extends AssembleOptions {
  /** Default: {@link serverRoles} of the config (`api` is always on here). */
  roles?: Partial<Omit<Roles, 'api'>>;
}

/** A running Triggers API. */
export interface TriggersApi extends Omit<Assembly, 'close' | 'app'> {
  url: string;
  port: number;
  server: Server;
  /** Stops accepting, drains in-flight requests (bounded), stops the jobs and the embedded store. Idempotent. */
  close(): Promise<void>;
}

/** Assembles the server's roles and listens on `config.HOST:config.PORT`. Rejects when the port cannot be opened. */
export async function startTriggersApi(config: Config, opts: StartOptions): Promise<TriggersApi> {
  const assembly = await assemble(config, { ...serverRoles(config), ...opts.roles, api: true }, opts);
  // The api role (forced above) always builds the app.
  const server = createAppServer(assembly.app as Express);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.PORT, config.HOST, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    await assembly.close();
    throw err;
  }
  server.keepAliveTimeout = 5_000;
  const port = (server.address() as AddressInfo).port;
  let closing: Promise<void> | undefined;
  const closeParts = assembly.close;
  // The assembly's own getters (the running workers) stay live on the handle.
  return Object.assign(assembly, {
    url: `http://${config.HOST.includes(':') ? `[${config.HOST}]` : config.HOST}:${port}`,
    port,
    server,
    close() {
      // Wake streams never end by themselves: ended first, they do not hold the drain up.
      assembly.deps.workerWake?.hub.close();
      closing ??= drain(server, 10_000).then(closeParts);
      return closing;
    },
  });
}

/** Closes the listener and waits for in-flight requests, forcing the rest closed after `ms`. */
async function drain(server: Server, ms: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const force = setTimeout(() => server.closeAllConnections(), ms);
  await closed;
  clearTimeout(force);
}

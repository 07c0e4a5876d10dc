// A named proxy: a TCP listener that opens a Connection to the upstream for every client, its toxics,
// and its lifecycle (start, stop = "down", update of listen/upstream which restarts it). Lifecycle
// calls must not overlap: ProxyCollection runs them one at a time.
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { formatAddress, parseAddress, resolveAddress, systemLookup, type HostLookup } from './address.js';
import { apiErrors, failure, success, type Outcome } from './api-error.js';
import { Connection } from './connection.js';
import type { ProxyMetrics } from './metrics.js';
import type { Random } from './random.js';
import { ToxicCollection } from './toxic-collection.js';
import { toxicJson } from './toxic-spec.js';

/** What a proxy is made of. */
export interface ProxySettings {
  name: string;
  listen: string;
  upstream: string;
}

/** The settings a proxy update asks for (every field given: omitted ones are filled from the proxy). */
export interface ProxyChange {
  listen: string;
  upstream: string;
  enabled: boolean;
}

/** One Toxiproxy proxy; see the file comment. */
export class Proxy {
  readonly name: string;
  /** As requested; after start `listen` shows the bound address (port 0 becomes the real port). */
  requestedListen: string;
  listen: string;
  upstream: string;
  enabled = false;
  readonly toxics = new ToxicCollection();
  private server: net.Server | null = null;
  private readonly connections = new Set<Connection>();
  private connectionCount = 0;

  constructor(
    settings: ProxySettings,
    private readonly random: Random,
    private readonly metrics: ProxyMetrics,
    private readonly now: () => number = () => performance.now(),
    private readonly lookup: HostLookup = systemLookup,
  ) {
    this.name = settings.name;
    this.requestedListen = settings.listen;
    this.listen = settings.listen;
    this.upstream = settings.upstream;
  }

  /**
   * Opens the listener; a lookup or bind failure is a 500 with Go's wording. Starting a started proxy
   * is a no-op. Not safe to overlap with another lifecycle call on this proxy (see the file comment).
   */
  async start(): Promise<Outcome<void>> {
    if (this.enabled) return success(undefined);
    // After the first start `listen` holds the bound address, so a restart keeps the same port.
    const address = await resolveAddress(this.listen, this.lookup);
    if (!address.ok) return failure(apiErrors.internal(`listen tcp: ${address.message}`));
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true }, (client) =>
      this.accept(client),
    );
    const bound = await new Promise<Outcome<void>>((resolve) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        const where = formatAddress(address.value.host, address.value.port);
        const reason = error.code === 'EADDRINUSE' ? 'bind: address already in use' : error.message;
        resolve(failure(apiErrors.internal(`listen tcp ${where}: ${reason}`)));
      });
      server.listen(address.value.port, address.value.host, () => resolve(success(undefined)));
    });
    if (!bound.ok) return bound;
    const info = server.address() as net.AddressInfo;
    this.listen = formatAddress(info.address, info.port);
    this.server = server;
    this.enabled = true;
    return bound;
  }

  /** Closes the listener and every connection ("down"): new clients are refused. */
  stop(): void {
    if (!this.enabled) return;
    this.enabled = false;
    this.server?.close();
    this.server = null;
    for (const connection of this.connections) connection.destroy();
    this.connections.clear();
  }

  /**
   * Applies new settings: a changed listen or upstream restarts the proxy, `enabled` starts or stops it.
   * A new listen address is resolved first; if that fails (500, Go's wording) the proxy is left exactly
   * as it was, as Toxiproxy's `ResolveTCPAddr` check before `stop` does.
   */
  async update(next: ProxyChange): Promise<Outcome<void>> {
    if (next.listen !== this.listen || next.upstream !== this.upstream) {
      const address = await resolveAddress(next.listen, this.lookup);
      if (!address.ok) return failure(apiErrors.internal(address.message));
      const wasEnabled = this.enabled;
      this.stop();
      this.requestedListen = next.listen;
      this.listen = next.listen;
      this.upstream = next.upstream;
      if (wasEnabled && next.enabled) return this.start();
    }
    if (next.enabled && !this.enabled) return this.start();
    if (!next.enabled) this.stop();
    return success(undefined);
  }

  /** The wire shape: `{name, listen, upstream, enabled, toxics}`. */
  json(): Record<string, unknown> {
    return {
      name: this.name,
      listen: this.listen,
      upstream: this.upstream,
      enabled: this.enabled,
      toxics: this.toxics.list().map(toxicJson),
    };
  }

  private accept(client: net.Socket): void {
    const upstream = parseAddress(this.upstream);
    if (!upstream.ok || !this.enabled) {
      client.destroy();
      return;
    }
    const labels = { listener: this.listen, proxy: this.name, upstream: this.upstream };
    const connection = new Connection({
      client,
      upstream: upstream.value,
      toxics: this.toxics,
      random: this.random.derive('connection', this.connectionCount++),
      now: this.now,
      counters: {
        upstream: this.metrics.counters({ direction: 'upstream', ...labels }),
        downstream: this.metrics.counters({ direction: 'downstream', ...labels }),
      },
      onClosed: (closed) => this.connections.delete(closed),
    });
    this.connections.add(connection);
  }
}

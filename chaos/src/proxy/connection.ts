// One proxied TCP connection: the accepted client socket, the socket to the upstream, and a link per
// direction fed from the proxy's toxic chains. It can close gracefully, reset (RST) or be destroyed.
import net, { type Socket } from 'node:net';
import { Link, type ByteCounters } from './link.js';
import type { Random } from './random.js';
import type { ToxicCollection } from './toxic-collection.js';

/** Where the upstream lives. */
export interface HostPort {
  host: string;
  port: number;
}

/** What a connection needs from its proxy. */
export interface ConnectionOptions {
  client: Socket;
  upstream: HostPort;
  toxics: ToxicCollection;
  /** This connection's stream; each direction derives its own. */
  random: Random;
  now: () => number;
  counters: { upstream: ByteCounters; downstream: ByteCounters };
  onClosed: (connection: Connection) => void;
}

// How long a gracefully closed connection may linger waiting for the peers' FIN before it is destroyed.
const closeGraceMs = 2000;

/** A client ↔ upstream pair; see the file comment. */
export class Connection {
  private readonly client: Socket;
  private readonly upstream: Socket;
  private readonly links: Link[] = [];
  private unsubscribe: () => void = () => {};
  private closing = false;
  private open = 2;

  constructor(private readonly options: ConnectionOptions) {
    this.client = options.client;
    this.client.pause();
    this.upstream = net.connect({ ...options.upstream, allowHalfOpen: true, noDelay: true });
    for (const [socket, other] of [
      [this.client, this.upstream],
      [this.upstream, this.client],
    ] as const) {
      socket.setNoDelay(true);
      socket.on('error', () => this.destroy());
      socket.on('close', (hadError) => {
        if (--this.open === 0) this.finished();
        else if (hadError) this.destroy();
        else if (!this.closing) this.peerClosed(socket, other);
      });
    }
    this.upstream.once('connect', () => this.startLinks());
  }

  /** Closes both sockets after pending writes (FIN), discarding data still in flight. */
  close(): void {
    if (this.closing) return;
    this.closing = true;
    for (const link of this.links) link.close();
    for (const socket of [this.client, this.upstream]) {
      socket.resume();
      socket.end();
    }
    setTimeout(() => this.destroy(), closeGraceMs).unref();
  }

  /** Resets both sockets: the peers see ECONNRESET, as after a real TCP RST. */
  reset(): void {
    this.closing = true;
    for (const link of this.links) link.close();
    for (const socket of [this.client, this.upstream]) if (!socket.destroyed) socket.resetAndDestroy();
  }

  /** Destroys both sockets at once (the proxy is going down). */
  destroy(): void {
    this.closing = true;
    for (const link of this.links) link.close();
    this.client.destroy();
    this.upstream.destroy();
  }

  /**
   * One socket closed cleanly (its peer finished both ways). Data still flowing toward it is moot, but
   * data flowing away from it may still sit in a toxic: let that link flush and end the other socket,
   * then let the other socket go.
   */
  private peerClosed(closed: Socket, other: Socket): void {
    const [intoClosed] = this.links.filter((link) => link.destination === closed);
    if (!intoClosed) return void other.destroy();
    intoClosed.close();
    if (other.writableFinished) other.destroy();
    else other.once('finish', () => other.destroy());
  }

  private startLinks(): void {
    if (this.closing) return;
    const { toxics, random, now, counters } = this.options;
    const make = (direction: 'upstream' | 'downstream', source: Socket, destination: Socket): Link =>
      new Link(
        {
          source,
          destination,
          random: random.derive(direction),
          now,
          counters: counters[direction],
          closeConnection: () => this.close(),
          resetConnection: () => this.reset(),
        },
        toxics.chain(direction),
      );
    const upstreamLink = make('upstream', this.client, this.upstream);
    const downstreamLink = make('downstream', this.upstream, this.client);
    this.links.push(upstreamLink, downstreamLink);
    this.unsubscribe = toxics.subscribe((direction, chain) =>
      (direction === 'upstream' ? upstreamLink : downstreamLink).applyChain(chain),
    );
  }

  private finished(): void {
    this.unsubscribe();
    this.options.onClosed(this);
  }
}

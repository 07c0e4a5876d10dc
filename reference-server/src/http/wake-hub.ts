// Fans wakes out to the worker processes following the wake stream. A wake carries no data (a woken
// worker reads the outbox or the due index anyway), so wakes are coalesced rather than queued: every
// notify in one turn of the event loop becomes one write per subscriber, and a subscriber whose socket
// is backed up is skipped until it drains, then told what it missed in one write.
import { storedMessage, wakeMessage, type StoredWake, type WakeKind } from '../domain/worker-wake.js';

/** The part of a ServerResponse a subscriber needs: writes that report backpressure, and an end. */
export interface WakeSink {
  write(chunk: string): boolean;
  once(event: 'drain', listener: () => void): unknown;
  end(): unknown;
}

interface Subscriber {
  sink: WakeSink;
  /** Waiting for 'drain': wakes meanwhile are counted in `missed`, not written. */
  backedUp: boolean;
  missed: Map<WakeKind, number>;
}

/** Stored events handed over per turn at most; beyond it they go as an `events` count (read from the outbox). */
const STORED_MAX_PER_TURN = 200;

/** Comment lines that keep idle proxies and load balancers from closing the stream. */
const HEARTBEAT = ': keep-alive\n\n';

/** Options of {@link WakeHub}. */
export interface WakeHubOptions {
  /** How often an idle stream gets a comment line, ms (default 15 000). */
  heartbeatMs?: number;
  /** Told the number of subscribers whenever it changes (a metrics gauge). */
  onSubscribers?: (count: number) => void;
}

/**
 * The subscribers of the wake stream and what is waiting to be sent to them.
 * @example
 * const hub = new WakeHub();
 * hub.subscribe(res); // in the stream's handler
 * hub.notify('events'); // when an event was stored
 */
export class WakeHub {
  private readonly subscribers = new Set<Subscriber>();
  private readonly pending = new Map<WakeKind, number>();
  private stored: StoredWake[] = [];
  private flushing = false;
  private closed = false;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(private readonly options: WakeHubOptions = {}) {
    this.heartbeat = setInterval(() => this.beat(), options.heartbeatMs ?? 15_000).unref();
  }

  /** Subscribers now. */
  get size(): number {
    return this.subscribers.size;
  }

  /** Whether {@link close} was called: new subscribers are refused. */
  get isClosed(): boolean {
    return this.closed;
  }

  /** Work of `kind` became available; written to every subscriber once this turn of the event loop ends. Free without subscribers. */
  notify(kind: WakeKind): void {
    if (this.subscribers.size === 0 || this.closed) return;
    this.pending.set(kind, (this.pending.get(kind) ?? 0) + 1);
    this.flushSoon();
  }

  /**
   * An event was stored: hands it over whole (`stored` message) with the wall-clock time its write
   * began, so the worker holding the fan-out lease can skip reading the outbox for it. A subscriber that
   * is backed up gets an `events` count instead, and so does everyone for the events of a turn past
   * the first {@link STORED_MAX_PER_TURN}.
   */
  notifyStored(wake: StoredWake): void {
    if (this.subscribers.size === 0 || this.closed) return;
    if (this.stored.length >= STORED_MAX_PER_TURN) return this.notify('events');
    this.stored.push(wake);
    this.flushSoon();
  }

  /** Adds a subscriber; returns the function that removes it (call it when its connection closes). */
  subscribe(sink: WakeSink): () => void {
    const subscriber: Subscriber = { sink, backedUp: false, missed: new Map() };
    this.subscribers.add(subscriber);
    this.options.onSubscribers?.(this.subscribers.size);
    return () => {
      if (this.subscribers.delete(subscriber)) this.options.onSubscribers?.(this.subscribers.size);
    };
  }

  /** Ends every stream (workers reconnect to whichever server comes next) and refuses new ones. Idempotent. */
  close(): void {
    this.closed = true;
    clearInterval(this.heartbeat);
    for (const s of this.subscribers) s.sink.end();
    this.subscribers.clear();
    this.options.onSubscribers?.(0);
  }

  /** Flushes once this turn of the event loop ends (once, however many notifies it saw). */
  private flushSoon(): void {
    if (this.flushing) return;
    this.flushing = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushing = false;
    if (this.pending.size === 0 && this.stored.length === 0) return;
    const counts = new Map(this.pending);
    this.pending.clear();
    const stored = this.stored;
    this.stored = [];
    const message = wakeMessage(counts) + stored.map(storedMessage).join('');
    // A backed-up subscriber is owed the stored events as a count: its worker reads them from the outbox.
    if (stored.length > 0) counts.set('events', (counts.get('events') ?? 0) + stored.length);
    for (const s of this.subscribers) {
      if (!s.backedUp) this.send(s, message);
      else for (const [kind, n] of counts) s.missed.set(kind, (s.missed.get(kind) ?? 0) + n);
    }
  }

  private beat(): void {
    for (const s of this.subscribers) if (!s.backedUp) this.send(s, HEARTBEAT);
  }

  private send(s: Subscriber, text: string): void {
    if (s.sink.write(text)) return;
    s.backedUp = true;
    s.sink.once('drain', () => {
      s.backedUp = false;
      if (s.missed.size === 0 || !this.subscribers.has(s)) return;
      const message = wakeMessage(s.missed);
      s.missed.clear();
      this.send(s, message);
    });
  }
}

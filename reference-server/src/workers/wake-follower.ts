// Follows a server's wake stream from a worker process (SSE over undici), so events stored by that
// server wake fan-out here at once instead of at the next poll. Correctness never rests on it: the loops
// poll as before, and while the stream is down (server restarting, wrong token, none found) this only
// reconnects, with a capped backoff and one log line per outage rather than one per attempt.
import { setTimeout as sleep } from 'node:timers/promises';
import { createParser } from 'eventsource-parser';
import type { Logger } from 'pino';
import { Counter, Gauge, type Registry } from 'prom-client';
import { request } from 'undici';
import { parseStoredWake, STORED_EVENT, wakeKindOf, wakeStreamUrl, WAKE_KINDS, type StoredWake, type WakeKind } from '../domain/worker-wake.js';

/** First wait after a failed attempt, ms; doubled per failure up to {@link RECONNECT_MAX_MS}. */
const RECONNECT_INITIAL_MS = 100;
const RECONNECT_MAX_MS = 5_000;
/** The server writes a comment every 15 s: three missed mean a dead peer, not a quiet one. */
const SILENCE_LIMIT_MS = 45_000;

/** Options of {@link followWakeStream}. */
export interface WakeFollowerOptions {
  /** The server's base URL, asked before every attempt; undefined: none known yet (try again later). */
  resolveUrl: () => string | undefined;
  /** The stream's bearer token (domain/worker-wake.ts `wakeToken`). */
  token: string;
  /** Called per wake received, and once per kind after each (re)connect: work may have come meanwhile. */
  onWake: (kind: WakeKind) => void;
  /** Called per event handed over whole (a `stored` message); without it, or if unreadable, such a message wakes as `events`. */
  onStored?: (wake: StoredWake) => void;
  logger: Logger;
  /** Where `worker_wakes_received_total` and `worker_wake_connected` go. */
  registry?: Registry;
  /** The loops' poll interval, named in the log lines (what latency is while the stream is down). */
  pollMs: number;
  /** Backoff bounds, ms (defaults 100 and 5 000). */
  reconnect?: { initialMs: number; maxMs: number };
}

/** A running follower. */
export interface WakeFollower {
  /** Whether the stream is connected now. */
  readonly connected: boolean;
  /** Closes the stream and stops reconnecting; resolves when the loop ended. */
  stop(): Promise<void>;
}

/** Starts following; never rejects and never throws into the caller. */
export function followWakeStream(options: WakeFollowerOptions): WakeFollower {
  const { logger } = options;
  const backoff = options.reconnect ?? { initialMs: RECONNECT_INITIAL_MS, maxMs: RECONNECT_MAX_MS };
  const received = new Counter({ name: 'worker_wakes_received_total', help: 'Wakes received from the server\'s wake stream, by kind', labelNames: ['kind'], registers: options.registry ? [options.registry] : [] });
  const connectedGauge = new Gauge({ name: 'worker_wake_connected', help: '1 while this worker follows a server\'s wake stream', registers: options.registry ? [options.registry] : [] });
  const abort = new AbortController();
  let connected = false;
  const setConnected = (value: boolean) => {
    connected = value;
    connectedGauge.set(value ? 1 : 0);
  };

  /** One connection: resolves when the stream ends, rejects when it cannot be had or breaks. */
  const follow = async (url: string, onOpen: () => void) => {
    const res = await request(wakeStreamUrl(url), {
      headers: { authorization: `Bearer ${options.token}`, accept: 'text/event-stream' },
      signal: abort.signal,
      headersTimeout: 10_000,
      bodyTimeout: SILENCE_LIMIT_MS,
    });
    if (res.statusCode !== 200) {
      const body = (await res.body.json().catch(() => undefined)) as { error?: { code?: string; message?: string } } | undefined;
      throw new Error(`HTTP ${res.statusCode}${body?.error ? ` ${body.error.code}: ${body.error.message}` : ''}`);
    }
    onOpen();
    const parser = createParser({
      onEvent: (event) => {
        if (event.event === STORED_EVENT) {
          const stored = options.onStored && parseStoredWake(event.data);
          received.inc({ kind: stored ? STORED_EVENT : 'events' });
          return stored ? options.onStored!(stored) : options.onWake('events');
        }
        const kind = wakeKindOf(event.event);
        if (!kind) return;
        received.inc({ kind });
        options.onWake(kind);
      },
    });
    const text = new TextDecoder();
    for await (const chunk of res.body) parser.feed(text.decode(chunk as Buffer, { stream: true }));
    throw new Error('the server closed the stream');
  };

  const loop = async () => {
    let delay = backoff.initialMs;
    // One line per outage: set once something was logged about the current one, cleared on connect.
    let outageLogged = false;
    let everConnected = false;
    while (!abort.signal.aborted) {
      const url = options.resolveUrl();
      if (url === undefined) {
        if (!outageLogged) logger.info(`no wake stream to follow: set WORKER_WAKE_URL to the server's URL, or run \`npm start\` on the same DATA_DIR; polling every ${options.pollMs} ms meanwhile`);
        outageLogged = true;
      } else {
        try {
          await follow(url, () => {
            setConnected(true);
            delay = backoff.initialMs;
            logger.info({ url }, everConnected ? 'wake stream back' : 'following the wake stream');
            everConnected = true;
            outageLogged = false;
            // Whatever was stored while no stream was open has had no wake: look once now.
            for (const kind of WAKE_KINDS) options.onWake(kind);
          });
        } catch (err) {
          if (abort.signal.aborted) break;
          if (!outageLogged) logger.warn({ url, reason: (err as Error).message }, `wake stream unavailable; reconnecting (up to every ${backoff.maxMs} ms), polling every ${options.pollMs} ms meanwhile`);
          outageLogged = true;
        }
        setConnected(false);
      }
      await sleep(delay, undefined, { signal: abort.signal }).catch(() => undefined);
      delay = Math.min(delay * 2, backoff.maxMs);
    }
    setConnected(false);
  };
  const running = loop();

  return {
    get connected() {
      return connected;
    },
    async stop() {
      abort.abort();
      await running;
    },
  };
}

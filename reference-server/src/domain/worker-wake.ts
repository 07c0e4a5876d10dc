// The wake stream's wire format, shared by the server that writes it and the worker that follows it:
// the path, the two kinds of wake, how a wake is written as Server-Sent Events, and the bearer token
// both sides derive from the secrets key they already share (so it needs no setting of its own).
import { createHmac } from 'node:crypto';
import type { EventRecord } from './event.js';

/** Where the server serves the stream (GET, `text/event-stream`). */
export const WAKE_STREAM_PATH = '/_workers/wake';

/** `events`: events were stored (fan-out reads the outbox); `deliveries`: deliveries were queued (replays). */
export type WakeKind = 'events' | 'deliveries';
export const WAKE_KINDS: readonly WakeKind[] = ['events', 'deliveries'];

/** Fixed label of the token's HMAC: a new label (not a new key) would retire every token at once. */
const TOKEN_LABEL = 'aftershock worker wake stream v1';

/** The stream's bearer token: HMAC-SHA256(secretsKey, a fixed label), base64url. Never log it. */
export function wakeToken(secretsKey: string): string {
  return createHmac('sha256', secretsKey).update(TOKEN_LABEL).digest('base64url');
}

/**
 * One SSE message per kind with a count: how many stores (or queueings) this wake stands for. The
 * count is for people reading the stream with curl; a worker only needs the kind.
 * @example wakeMessage(new Map([['events', 3]])) // 'event: events\ndata: 3\n\n'
 */
export function wakeMessage(counts: ReadonlyMap<WakeKind, number>): string {
  let text = '';
  for (const [kind, n] of counts) text += `event: ${kind}\ndata: ${n}\n\n`;
  return text;
}

/**
 * The SSE event naming one stored event, handed over whole so the fan-out lease holder needs no outbox
 * read for it (workers/handed-over-stream.ts says when it may also skip the existence check).
 */
export const STORED_EVENT = 'stored';

/**
 * What a `stored` message carries: the event, when its write began on the server's wall clock (ms),
 * and the fan-out row holding it (key and number of events) when it shares one; without `row` (servers
 * before rows were shared) the row is the event's own.
 */
export interface StoredWake {
  stored_at: number;
  event: EventRecord;
  row?: { key: string; size: number };
}

/** One `stored` message. */
export function storedMessage(wake: StoredWake): string {
  return `event: ${STORED_EVENT}\ndata: ${JSON.stringify(wake)}\n\n`;
}

/** The stored wake an SSE message's data carries, or undefined when it is not one (then wake as for `events`). */
export function parseStoredWake(data: string): StoredWake | undefined {
  try {
    const wake = JSON.parse(data) as Partial<StoredWake> | null;
    const e = wake?.event;
    if (typeof wake?.stored_at !== 'number' || typeof e?.tenant_id !== 'string' || typeof e.event_id !== 'string' || typeof e.created_at !== 'string') return undefined;
    const row = wake.row;
    if (row !== undefined && (typeof row?.key !== 'string' || !Number.isInteger(row.size) || row.size < 1)) return undefined;
    return wake as StoredWake;
  } catch {
    return undefined;
  }
}

/** The kind an SSE event names, or undefined for anything else (comments, future kinds). */
export function wakeKindOf(event: string | undefined): WakeKind | undefined {
  return WAKE_KINDS.find((k) => k === event);
}

/** The stream URL of a server's base URL (`http://api:8080` → `http://api:8080/_workers/wake`), keeping any path prefix. */
export function wakeStreamUrl(baseUrl: string): string {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return new URL(WAKE_STREAM_PATH.slice(1), base).toString();
}

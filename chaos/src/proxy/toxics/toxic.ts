// What a toxic is. A toxic type holds settings (integer attributes); a stage is one toxic running on
// one direction of one connection. Data flows through the stages of a direction in order:
//
//   source socket ─▶ [stage 0] ─▶ [stage 1] ─▶ … ─▶ destination socket
//
// Each stage gets a chunk and a `next` to pass (possibly changed or delayed) chunks on. Every wait a
// stage makes is abortable, so removing or updating a toxic releases held data at once and never hangs.
import type { Random } from '../random.js';
import { setLongTimeout } from './long-timeout.js';

/** A piece of data read from the source, stamped with when it arrived (ms, monotonic clock). */
export interface Chunk {
  data: Buffer;
  arrivedAt: number;
}

/** Why a stage is being stopped: its toxic was removed, replaced by an update, or the connection closed. */
export type StopReason = 'removed' | 'replaced' | 'closed';

/** What a running stage may use: its own random stream, the clock, and the connection's fate. */
export interface StageContext {
  /** Aborted when the stage stops; every wait must listen to it. */
  signal: AbortSignal;
  random: Random;
  /** Monotonic milliseconds. */
  now(): number;
  /** Per connection, direction and toxic; survives updates of the toxic (limit_data counts in it). */
  state: Record<string, number>;
  /** Closes the whole connection gracefully (FIN after pending writes). */
  closeConnection(): void;
  /** Resets the whole connection (TCP RST on both sockets). */
  resetConnection(): void;
}

/** One toxic running on one connection direction. */
export interface ToxicStage {
  /** Handles one chunk; resolves when it has passed on (or dropped) everything it will. */
  onData(chunk: Chunk, next: (chunk: Chunk) => Promise<void>): Promise<void>;
  /** Runs when the source has ended, before the destination is closed. */
  onEnd?(): Promise<void>;
  /** Called once when the stage stops (after its signal aborts). */
  onStop?(reason: StopReason): void;
}

/** Integer attributes by wire name (`latency`, `average_size`, …). */
export type Attributes = Record<string, number>;

/** A toxic type: its wire name, attributes with defaults, validation, and how to start a stage. */
export interface ToxicType {
  name: string;
  /** Every attribute with its default; the JSON shows them in this order. */
  defaults: Attributes;
  /** A reason the attributes are unacceptable, or undefined. */
  validate?(attributes: Attributes): string | undefined;
  start(attributes: Attributes, context: StageContext): ToxicStage;
}

/**
 * Waits `ms` milliseconds (any size, see long-timeout.ts) unless the signal aborts first.
 * Resolves true when the time passed, false when aborted (an expected outcome, not an error).
 */
export function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  if (ms <= 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (completed: boolean): void => {
      timer.clear();
      signal.removeEventListener('abort', onAbort);
      resolve(completed);
    };
    const onAbort = (): void => done(false);
    // Attributes may exceed Node's 2^31 ms timer limit; a plain setTimeout would fire after 1 ms.
    const timer = setLongTimeout(() => done(true), ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Waits until the signal aborts (a toxic that stalls forever until it is removed). */
export function untilAborted(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

// Identifier generation: prefixed, time-sortable (ULID) and monotonic within a process, so ids
// created later in one process always sort after earlier ones (inbox order, cursors).
import { monotonicFactory } from 'ulid';
import type { Clock } from './clock.js';

/** Makes identifiers such as `evt_01J...`. */
export interface IdGenerator {
  next(prefix: IdPrefix): string;
}

/** Prefixes in use; the prefix tells a reader what an id names. */
export type IdPrefix = 'evt' | 'key' | 'tnt' | 'req' | 'whk' | 'dlv' | 'aud' | 'sta' | 'exp';

/**
 * Builds a generator from a clock and a [0,1) random source.
 * @example const ids = createIdGenerator(systemClock, Math.random); ids.next('evt')
 */
export function createIdGenerator(clock: Clock, random: () => number): IdGenerator {
  const ulid = monotonicFactory(random);
  return { next: (prefix) => `${prefix}_${ulid(clock.now()).toLowerCase()}` };
}

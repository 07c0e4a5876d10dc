// Turns a firing rule into concrete values (how long, which phase, which items) at decision time, so
// every random choice is drawn from the rule's seeded generator in a fixed order and lands in the log.
import { latencyDelayMs } from '../faults/latency.js';
import { failurePhase } from '../faults/partial-failure.js';
import type { Random } from '../random/seeded-random.js';
import type { Injector } from './injector-schema.js';

/** The concrete values of one injection; only the fields the injector needs are set. */
export interface InjectionDetail {
  /** How long to delay, pause, hang or wait before timing out. */
  delay_ms?: number;
  /** For partial failures: fail before or after the real call. */
  phase?: 'before' | 'after';
  /** For partial batches: seeds the choice of unprocessed items. */
  pick_seed?: number;
  /** For clock skew: the offset applied. */
  offset_ms?: number;
}

/** Draws the detail for `injector` (a fixed number of draws per kind). */
export function resolveInjection(injector: Injector, random: Random): InjectionDetail {
  switch (injector.kind) {
    case 'latency':
      return { delay_ms: latencyDelayMs(injector, random) };
    case 'timeout':
    case 'pause':
    case 'hang':
      return { delay_ms: injector.ms };
    case 'partial_failure':
      return { phase: failurePhase(injector, random) };
    case 'partial_batch':
      return { pick_seed: Math.floor(random.next() * 4294967296) };
    case 'clock_skew':
      return { offset_ms: injector.offset_ms };
    default:
      return {};
  }
}

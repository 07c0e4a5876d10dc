// Worker loop fault point: the delivery and sweeper loops call `step()` at each iteration (and at the
// risky moments inside one) so chaos can pause them, hang them past their lease, crash the process,
// or skew the clock they read.
import type { Clock } from '../clock.js';
import { delay } from '../faults/delay.js';
import type { ChaosEngine } from '../rules/chaos-engine.js';
import type { Injection } from '../rules/injection-log.js';
import type { InjectorKind } from '../rules/injector-schema.js';

/** Where in which loop the worker is (`{ loop: 'delivery', step: 'before_send' }`); rules match on these. */
export interface WorkerStep {
  loop: string;
  step?: string;
}

/** Options for the worker fault point. */
export interface WorkerPointOptions {
  /** Ends the process on a crash injection (default `process.exit`); tests pass a recorder. */
  exit?: (code: number) => void;
}

/** Per-step options. */
export interface StepOptions {
  /** Cuts a pause short (a hang ignores it on purpose: that is what a hung worker does). */
  signal?: AbortSignal;
  requestId?: string;
}

const STEP_KINDS: ReadonlySet<InjectorKind> = new Set(['pause', 'hang', 'crash']);
const CLOCK_KINDS: ReadonlySet<InjectorKind> = new Set(['clock_skew']);

/** The fault point a worker loop holds. */
export interface WorkerFaults {
  /**
   * Applies any pause, hang or crash due at this step and resolves with the injection applied
   * (null: none). A crash calls `exit` and resolves only if `exit` returns (as a test's does).
   */
  step(at: WorkerStep, options?: StepOptions): Promise<Injection | null>;
  /**
   * A clock reading `base` plus the loop's current skew. The skew is decided at each `step()` of the
   * loop (so it is logged once per step, not once per read) and holds until the next step.
   */
  clock(base: Clock, at: Pick<WorkerStep, 'loop'>): Clock;
}

/**
 * Creates the worker fault point.
 *
 * @example
 * const faults = workerFaultPoint(engine);
 * const clock = faults.clock(systemClock, { loop: 'delivery' });
 * for (;;) { await faults.step({ loop: 'delivery', step: 'after_lease' }); ... }
 */
export function workerFaultPoint(engine: ChaosEngine, options: WorkerPointOptions = {}): WorkerFaults {
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const skews = new Map<string, number>();
  return {
    async step(at, stepOptions = {}) {
      if (!engine.enabled) {
        skews.clear();
        return null;
      }
      const skew = engine.decide('worker', { loop: at.loop, step: at.step }, { kinds: CLOCK_KINDS, requestId: stepOptions.requestId });
      skews.set(at.loop, skew?.detail.offset_ms ?? 0);
      const injection = engine.decide('worker', { loop: at.loop, step: at.step }, { kinds: STEP_KINDS, requestId: stepOptions.requestId });
      if (injection === null) return null;
      const { injector, detail } = injection;
      if (injector.kind === 'pause') await delay(detail.delay_ms ?? 0, stepOptions.signal);
      else if (injector.kind === 'hang') await delay(detail.delay_ms ?? 0);
      else if (injector.kind === 'crash') exit(injector.exit_code);
      return injection;
    },
    clock(base, at) {
      return { now: () => base.now() + (engine.enabled ? (skews.get(at.loop) ?? 0) : 0) };
    },
  };
}

// A fault schedule: a short open-model load and the faults that hit it, as fast-check generates and
// shrinks it (fewer faults, shorter, weaker, fewer events), and as the scenario file `aftershock run`
// replays once a failing one is found.
import fc from 'fast-check';
import type { ScenarioInput } from '../scenario/scenario-schema.js';
import { FAST_ENV } from './explore-env.js';
import { faultArbitrary, FAULT_FAMILIES, type ExploreFault, type FaultFamily } from './vocabulary.js';

/** Phase lengths of an explored run, in ms: short, since each schedule gets a fresh stack. */
export interface ScheduleShape {
  baselineMs: number;
  faultMs: number;
  recoveryMs: number;
}

/** The default shape: 100 ms of baseline, a 400 ms fault window, 100 ms of recovery. */
export const DEFAULT_SHAPE: ScheduleShape = { baselineMs: 100, faultMs: 400, recoveryMs: 100 };

/** One generated schedule. Fault times are relative to the fault phase's start. */
export interface Schedule {
  /** Requests per second of the open-model load. */
  rate: number;
  faults: ExploreFault[];
}

/** Schedules of 1–3 faults at 5–40 requests/s; shrinking heads for one fault at 5/s. */
export function scheduleArbitrary(shape: ScheduleShape = DEFAULT_SHAPE, maxFaults = 3, families: readonly FaultFamily[] = FAULT_FAMILIES): fc.Arbitrary<Schedule> {
  return fc.record({ rate: fc.integer({ min: 5, max: 40 }), faults: fc.array(faultArbitrary(shape.faultMs, families), { minLength: 1, maxLength: maxFaults }) });
}

/** A fault as a scenario file writes it: the receiver's durations as text (`300ms`). */
function asWritten(fault: ExploreFault['fault']): unknown {
  if (!('receiver' in fault)) return fault;
  const { delay, trickle, ...rest } = fault.receiver;
  return { receiver: { ...rest, ...(delay === undefined ? {} : { delay: `${delay}ms` }), ...(trickle === undefined ? {} : { trickle: `${trickle}ms` }) } };
}

/**
 * The scenario that replays a schedule with `aftershock run`. Worker crashes need worker processes
 * (a crash ends its process), so a schedule with one runs the embedded target as processes. The
 * target carries {@link FAST_ENV}, the settings exploration's stacks run with, so the replay keeps
 * the timers and retry budget the schedule was judged under.
 */
export function scheduleScenario(schedule: Schedule, seed: number, shape: ScheduleShape = DEFAULT_SHAPE, title = 'Explored fault schedule'): ScenarioInput {
  const crashes = schedule.faults.some((f) => 'chaos' in f.fault && f.fault.chaos.injector.kind === 'crash');
  return {
    title,
    description: `Found by aftershock explore: ${schedule.faults.length} fault(s) at ${schedule.rate} req/s, replayed with the run's chaos seed ${seed}.`,
    seed,
    target: { kind: 'embedded', ...(crashes ? { mode: 'processes', workers: 1 } : {}), env: { ...FAST_ENV } },
    load: { rate: schedule.rate },
    phases: { baseline: `${shape.baselineMs}ms`, fault: `${shape.faultMs}ms`, recovery: `${shape.recoveryMs}ms` },
    method: schedule.faults.map((f, i) => ({ name: `fault ${i + 1}`, at: `${shape.baselineMs + f.at}ms`, for: `${f.for}ms`, fault: asWritten(f.fault) })),
    gates: [{ invariants: ['no_lost_events', 'deliveries_complete', 'no_concurrent_double_delivery', 'same_id_on_retry', 'analytics_exact'] }],
    quiesce: '10s',
  } as ScenarioInput;
}

// A fault schedule: a short open-model load and the faults that hit it, as fast-check generates and
// shrinks it (fewer faults, shorter, weaker, fewer events), and as the scenario file `aftershock run`
// replays once a failing one is found.
import fc from 'fast-check';
import { formatDuration } from '../gates/duration.js';
import type { CheckerName } from '../checkers/registry.js';
import type { AdapterSpec } from '../scenario/adapter-schema.js';
import type { Scenario, ScenarioInput } from '../scenario/scenario-schema.js';
import type { CommandTarget, UrlTarget } from '../scenario/target-schema.js';
import { FAST_ENV } from './explore-env.js';
import { EMBEDDED_FAMILIES, faultArbitrary, type ExploreFault, type FaultFamily } from './vocabulary.js';

/** Phase lengths of an explored run, in ms: short for a fresh stack, the `--window` for a service of one's own. */
export interface ScheduleShape {
  baselineMs: number;
  faultMs: number;
  recoveryMs: number;
}

/** The default shape: 100 ms of baseline, a 400 ms fault window, 100 ms of recovery. */
export const DEFAULT_SHAPE: ScheduleShape = { baselineMs: 100, faultMs: 400, recoveryMs: 100 };

/** How long a schedule's run waits for its deliveries to settle, unless told otherwise: 4 s. */
export const DEFAULT_QUIESCE_MS = 4_000;

/** One generated schedule. Fault times are relative to the fault phase's start. */
export interface Schedule {
  /** Requests per second of the open-model load. */
  rate: number;
  faults: ExploreFault[];
}

/**
 * A service of the user's own, as their scenario file describes it: explored schedules run against it
 * with its adapter, webhooks and load (its rate too), and a found one is written with the
 * same blocks so `aftershock run` replays it there.
 */
export interface ExploredService {
  target: UrlTarget | CommandTarget;
  adapter: AdapterSpec;
  webhooks: number;
  load: Scenario['load'];
  /** The checkers its adapter can feed: a schedule is judged by these, and the scenario gates on them. */
  checkers: readonly CheckerName[];
}

/** What schedules are drawn from: fault families, faults per schedule, and the load's rate. */
export interface DrawOptions {
  maxFaults?: number;
  families?: readonly FaultFamily[];
  /** Requests per second, the same in every schedule (default: drawn from 5–40, shrinking towards 5). */
  rate?: number;
  /** Worker crashes among the worker faults (default true; a service of the user's own draws none). */
  crashes?: boolean;
}

/**
 * Schedules of 1–3 faults (at most one kill, and no chaos rule beside it) at 5–40 requests/s (or
 * the rate given); shrinking heads for one fault at the lowest rate.
 */
export function scheduleArbitrary(shape: ScheduleShape = DEFAULT_SHAPE, draw: DrawOptions = {}): fc.Arbitrary<Schedule> {
  const faults = faultArbitrary(shape.faultMs, draw.families ?? EMBEDDED_FAMILIES, draw.crashes ?? true);
  return fc.record({ rate: draw.rate === undefined ? fc.integer({ min: 5, max: 40 }) : fc.constant(draw.rate), faults: fc.array(faults, { minLength: 1, maxLength: draw.maxFaults ?? 3 }).map(runnable) });
}

/**
 * The faults a schedule can run as drawn: with a kill, no second kill (it could land while the service
 * is still starting again from the first) and no chaos rules (they live in the process the kill ends,
 * and one due while it is down cannot be installed).
 */
function runnable(faults: ExploreFault[]): ExploreFault[] {
  const first = faults.findIndex((f) => 'kill' in f.fault);
  return first === -1 ? faults : faults.filter((f, i) => i === first || !('kill' in f.fault || 'chaos' in f.fault));
}

/** A fault as a scenario's method step writes it: durations as text (`300ms`), a kill as an action. */
function asStep(f: ExploreFault, i: number, shape: ScheduleShape): unknown {
  const step = { name: `fault ${i + 1}`, at: `${shape.baselineMs + f.at}ms` };
  const { fault } = f;
  if ('kill' in fault) return { ...step, action: { kill: fault.kill, signal: 'SIGKILL', restart_after: `${f.for}ms` } };
  if (!('receiver' in fault)) return { ...step, for: `${f.for}ms`, fault };
  const { delay, trickle, ...rest } = fault.receiver;
  return { ...step, for: `${f.for}ms`, fault: { receiver: { ...rest, ...(delay === undefined ? {} : { delay: `${delay}ms` }), ...(trickle === undefined ? {} : { trickle: `${trickle}ms` }) } } };
}

/** The target as a scenario file writes it (its one duration as text). */
function writtenTarget(target: ExploredService['target']): unknown {
  return target.kind === 'command' ? { ...target, ready_timeout: formatDuration(target.ready_timeout) } : target;
}

/**
 * The scenario that runs a schedule with `aftershock run`: what a found schedule is written as, and,
 * against a `service` of the user's own, what each schedule runs as. Without `service`, the embedded
 * target: worker crashes need worker processes (a crash ends its process), so a schedule with one runs
 * it as processes, and it carries {@link FAST_ENV}, the settings exploration's stacks run with, so the
 * replay keeps the timers and retry budget the schedule was judged under. With `service`, its target,
 * adapter, webhooks and load. Either way `quiesceMs`, the bound the schedule was judged under: a longer
 * one would let the replay settle what the schedule did not.
 */
export function scheduleScenario(schedule: Schedule, seed: number, shape: ScheduleShape = DEFAULT_SHAPE, title = 'Explored fault schedule', service?: ExploredService, quiesceMs = DEFAULT_QUIESCE_MS): ScenarioInput {
  const crashes = schedule.faults.some((f) => 'chaos' in f.fault && f.fault.chaos.injector.kind === 'crash');
  const { duration: _whole, ...load } = service?.load ?? {};
  return {
    title,
    description: `Found by aftershock explore: ${schedule.faults.length} fault(s) at ${schedule.rate} req/s, replayed with the run's chaos seed ${seed}.`,
    seed,
    ...(service
      ? { target: writtenTarget(service.target), adapter: service.adapter, webhooks: service.webhooks }
      : { target: { kind: 'embedded', ...(crashes ? { mode: 'processes', workers: 1 } : {}), env: { ...FAST_ENV } } }),
    load: { ...load, rate: schedule.rate },
    phases: { baseline: `${shape.baselineMs}ms`, fault: `${shape.faultMs}ms`, recovery: `${shape.recoveryMs}ms` },
    method: schedule.faults.map((f, i) => asStep(f, i, shape)),
    gates: [{ invariants: service?.checkers ?? ['no_lost_events', 'deliveries_complete', 'no_concurrent_double_delivery', 'same_id_on_retry', 'analytics_exact'] }],
    quiesce: formatDuration(quiesceMs),
  } as ScenarioInput;
}

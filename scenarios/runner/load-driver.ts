// Drives the scenario's open-model load through the adapter: each request's operation and event type
// come from the run's seed (so a replay sends the same schedule), and each outcome goes to the history
// (invoke, then ok | fail | info) and to the per-second measurements by intended start. A request
// dropped for max_in_flight goes to both too (a `fail` marked `dropped`), so the history measures as
// the run did (measureHistory).
import { createRandom, hashSeed } from '../../chaos/src/index.js';
import { runOpenModel } from '../../load/src/open-model.js';
import type { Adapter, OpAnswer } from '../adapters/adapter.js';
import type { OpType, OpValue } from '../history/history.js';
import { CANCELLED_ERROR } from '../measure/outcome.js';
import type { Operation } from '../scenario/judgement-schema.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import type { RunClock } from './run-clock.js';
import type { RunRecorder } from './run-recorder.js';

/** One planned request: what the seed decided. */
export interface PlannedOp {
  f: Operation;
  event_type: string;
  /** A create sent without an Idempotency-Key (load.idempotency_keys). */
  keyless?: true;
}

/**
 * The request plan for a seed: request `i` is `plan(i)`. Pure, so equal seeds give equal schedules.
 * @example loadPlan(scenario.load, 42)(0) // { f: 'create_event', event_type: 'order.created' }
 */
export function loadPlan(load: Scenario['load'], seed: number): (i: number) => PlannedOp {
  const random = createRandom(hashSeed(String(seed), 'load'));
  const ops = (Object.entries(load.mix) as [Operation, number][]).filter(([, w]) => w > 0);
  const total = ops.reduce((sum, [, w]) => sum + w, 0);
  const planned: PlannedOp[] = [];
  return (i) => {
    while (planned.length <= i) {
      let pick = random.next() * total;
      const f = ops.find(([, w]) => (pick -= w) < 0)?.[0] ?? ops[0]?.[0] ?? 'create_event';
      const event_type = load.event_types[Math.floor(random.next() * load.event_types.length)]!;
      // Drawn only when some creates go without a key, so the schedules of other seeds stay as they were.
      const keyless = load.idempotency_keys < 1 && random.next() >= load.idempotency_keys;
      planned.push({ f, event_type, ...(keyless ? { keyless } : {}) });
    }
    return planned[i]!;
  };
}

/** Jepsen's reading of an answer: 2xx applied, 4xx not, anything else unknown. */
export function opType(answer: OpAnswer): OpType {
  if (answer.ok) return 'ok';
  if (answer.status >= 400 && answer.status < 500) return 'fail';
  return 'info';
}

/** What a load run reports when it ends. */
export interface LoadSummary {
  intended: number;
  dropped: number;
}

/**
 * Runs the load for `durationMs` from now. After `signal` aborts no request starts, and the run ends
 * as soon as those in flight finish.
 */
export async function driveLoad(input: {
  scenario: Scenario;
  durationMs: number;
  seed: number;
  runId: string;
  adapter: Adapter;
  clock: RunClock;
  recorder: RunRecorder;
  signal: AbortSignal;
}): Promise<LoadSummary> {
  const { scenario, adapter, clock, recorder, signal } = input;
  const plan = loadPlan(scenario.load, input.seed);
  const rate = scenario.load.rate;
  const start = clock.now();
  const created: string[] = [];
  // When request `i` was meant to start. The history and the measurements take the same instants (this,
  // and the completion's time), so measuring the history gives the run's own numbers.
  const intendedOf = (i: number) => start + (i * 1000) / rate;
  /** What request `i` is, as it is sent now: a read before any create succeeded is sent as a create. */
  const request = (i: number): { f: Operation; value: OpValue; keyless?: true } => {
    const planned = plan(i);
    // A read needs an event to read: before the first create succeeds, the request creates instead.
    const f = planned.f === 'read_event' && created.length === 0 ? 'create_event' : planned.f;
    const idempotency_key = `${input.runId}-${i}`;
    // A key-less create still has its key in the history: the read-back finds its event by it (the payload's seq).
    const keyless = planned.keyless && f === 'create_event' ? { keyless: true as const } : {};
    const value = f === 'create_event' ? { idempotency_key, event_type: planned.event_type, source: 'aftershock', ...keyless } : { event_id: created[i % created.length] };
    return { f, value, ...keyless };
  };
  const send = async (i: number) => {
    const intended = intendedOf(i);
    const { f, value, keyless } = request(i);
    recorder.op({ kind: 'op', process: i, type: 'invoke', f, value, time: clock.now(), intended });
    const answer =
      f === 'create_event'
        ? await adapter.createEvent({ seq: i, event_type: plan(i).event_type, idempotency_key: value.idempotency_key!, ...(keyless ? { keyless } : {}) }, signal)
        : await adapter.readEvent(value.event_id!, signal);
    // No answer because the run stopped and cancelled it: outcome unknown for the checkers (`info`), and
    // no failure of the service's, so not measured as one (the history measurer reads it the same way).
    const cancelled = !answer.ok && answer.status === 0 && (signal.aborted || answer.value.error === CANCELLED_ERROR);
    const end = clock.now();
    recorder.op({ kind: 'op', process: i, type: opType(answer), f, value: { ...value, ...answer.value, ...(cancelled ? { error: CANCELLED_ERROR } : {}) }, time: end });
    recorder.measurements.recordOp({ op: f, intended, end, ok: answer.ok, status: answer.status, cancelled });
    if (f === 'create_event' && answer.ok && answer.value.event_id) {
      created.push(answer.value.event_id);
      recorder.eventCreated(answer.value.event_id, intended);
    }
    return { ok: answer.ok, status: answer.status, operation: f };
  };
  const result = await runOpenModel({
    rate,
    durationMs: input.durationMs,
    send,
    maxInFlight: scenario.load.max_in_flight,
    signal,
    // Never sent: in the history as an invoke and a `fail` marked `dropped` at once (the checkers leave
    // it out: it is no operation on the service), and measured, so rate counts the offered load and
    // success_rate falls with every request the service was too slow to take.
    onDrop: ({ i }) => {
      const { f, value } = request(i);
      const intended = intendedOf(i);
      const time = clock.now();
      recorder.record({ kind: 'op', process: i, type: 'invoke', f, value, time, intended });
      recorder.record({ kind: 'op', process: i, type: 'fail', f, value: { ...value, dropped: true }, time });
      recorder.measurements.recordOp({ op: f, intended, end: time, ok: false, dropped: true });
    },
  });
  return { intended: result.intended, dropped: result.dropped };
}

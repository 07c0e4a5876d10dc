// Runs the scenario's method: each step at its time, each fault healed at the end of its window, each
// window written to the history; and keeps what is in force so a rollback can heal it at any moment.
import type { ActiveFault, FaultKind } from '../faults/active-fault.js';
import { applyChaosFault } from '../faults/chaos-fault.js';
import { applyKillAction, applyProcessFault } from '../faults/process-fault.js';
import { applyProxyFault } from '../faults/proxy-fault.js';
import { applyReceiverFault } from '../faults/receiver-fault.js';
import type { Receiver } from '../receiver/receiver.js';
import { plannedEnd, type MethodStep } from '../scenario/fault-schema.js';
import type { TargetHandle } from '../target/target.js';
import type { RunClock } from './run-clock.js';
import type { RunEvent } from './run-events.js';
import type { RunRecorder } from './run-recorder.js';

/** What happened to one step, for the journal's activities. */
export interface Activity {
  name: string;
  type: 'fault' | 'action';
  kind: string;
  /** Planned start and end (ms since run start); `end` is undefined for a kill without restart. */
  planned: { start: number; end?: number };
  /**
   * When the runner sent what applies it (the fault may be in force from then on, whenever the target
   * answers), and when it began to heal it (sent what removes it; for a kill, began the restart).
   */
  started?: number;
  healed?: number;
  status: 'pending' | 'applied' | 'healed' | 'failed' | 'skipped';
  error?: string;
  /**
   * A chaos rule's injections in its window, as the target counted them at the heal; absent when it
   * could not say (nor when a server process exited in the window, losing its count).
   */
  injections?: number;
}

/** A running timeline. */
export interface Timeline {
  activities: Activity[];
  /** Resolves when every step has run and every window closed (or the run was aborted). */
  done: Promise<void>;
  /** Heals what is in force now (all kinds, or the ones named), recording each window's end. */
  heal(kinds?: readonly FaultKind[]): Promise<void>;
  /** When the last heal began (ms since run start; see {@link Activity.healed}); undefined when none was applied. */
  lastHeal(): number | undefined;
}

/** What the timeline acts on. */
export interface TimelineContext {
  seed: number;
  target: TargetHandle;
  receiver: Receiver;
  clock: RunClock;
  recorder: RunRecorder;
  signal: AbortSignal;
  /** A heal that failed: reported in the journal, never thrown. */
  onError: (err: unknown) => void;
  onEvent: (event: RunEvent) => void;
}

function kindOf(step: MethodStep): string {
  if (step.action) return `kill:${step.action.kill}`;
  const f = step.fault!;
  return f.chaos ? `chaos:${f.chaos.point}` : f.proxy ? `proxy:${f.proxy.link}` : f.receiver ? 'receiver' : `process:${f.process!.stop}`;
}

async function apply(step: MethodStep, id: string, ctx: TimelineContext): Promise<ActiveFault> {
  const { target, onError } = ctx;
  if (step.action) return applyKillAction(step.action, target.processes, onError);
  const f = step.fault!;
  if (f.chaos) return applyChaosFault(f.chaos, id, step.for!, { baseUrl: target.baseUrl, adminToken: target.adminToken, onError, relay: target.processes?.relayChaos });
  if (f.proxy) return applyProxyFault(f.proxy, id, target.proxies, onError);
  if (f.receiver) return applyReceiverFault(f.receiver, ctx.receiver, onError);
  return applyProcessFault(f.process!, target.processes, onError);
}

/**
 * Starts the steps on the run's clock. A step that cannot be applied is recorded as `failed` (the run
 * is then `deviated`), and the others go on.
 */
export function startTimeline(steps: readonly MethodStep[], ctx: TimelineContext): Timeline {
  const { clock, recorder } = ctx;
  const active = new Map<string, { fault: ActiveFault; activity: Activity }>();
  let lastHeal: number | undefined;
  const activities: Activity[] = steps.map((step, i) => {
    return { name: step.name ?? `step ${i + 1}`, type: step.action ? 'action' : 'fault', kind: kindOf(step), planned: { start: step.at, end: plannedEnd(step) }, status: 'pending' };
  });

  const serverExited = (from: number, to: number) =>
    recorder.history.some((r) => r.kind === 'process' && r.process.startsWith('server') && (r.action === 'kill' || r.action === 'exit') && r.time >= from && r.time <= to);

  /** Heals under way, by step id, with their fault's kind: a second close of one step waits for the first. */
  const closing = new Map<string, { kind: FaultKind; healed: Promise<void> }>();
  const close = (id: string): Promise<void> => {
    const under = closing.get(id);
    if (under) return under.healed;
    const entry = active.get(id);
    if (!entry) return Promise.resolve();
    active.delete(id);
    const healed = finish(id, entry);
    closing.set(id, { kind: entry.fault.kind, healed });
    return healed;
  };
  const finish = async (id: string, entry: { fault: ActiveFault; activity: Activity }) => {
    // Stamped as the heal goes out, as a start is: the window is the one the runner commanded, and not
    // stretched by however long the target takes to answer.
    const time = clock.now();
    await entry.fault.heal();
    lastHeal = Math.max(lastHeal ?? 0, time);
    entry.activity.healed = time;
    entry.activity.status = 'healed';
    const detail = entry.fault.healedDetail?.();
    // A server that exited in the window took its rules and their counts with it: what its successor
    // counts says nothing about whether the rule fired.
    if (typeof detail?.injections === 'number' && !serverExited(entry.activity.started ?? 0, time)) entry.activity.injections = detail.injections;
    recorder.record({ kind: 'fault', id, type: 'end', fault: entry.fault.label, ...(detail ? { detail } : {}), time });
    ctx.onEvent({ type: 'fault', action: 'healed', name: entry.activity.name, kind: entry.activity.kind, time });
  };

  /** Steps whose fault is being applied right now. */
  const inFlight = new Set<Promise<void>>();

  const runStep = async (step: MethodStep, i: number) => {
    const activity = activities[i]!;
    await clock.until(step.at, ctx.signal);
    if (ctx.signal.aborted) {
      activity.status = 'skipped';
      return;
    }
    // Named by seed and step, not by run: the target's chaos engine derives each rule's decisions
    // from (seed, rule id), so a replay with the same seed makes the same decisions.
    const id = `aftershock-${ctx.seed}-${i + 1}`;
    // Settled once the step's fault is in `active`, healed, or failed: what heal() waits on.
    let resolve = () => {};
    const applying = new Promise<void>((r) => (resolve = r));
    inFlight.add(applying);
    const settled = () => {
      inFlight.delete(applying);
      resolve();
    };
    try {
      // The moment the request goes out: a chaos rule is in force from when the target installs it,
      // which may be well before its answer comes back.
      const time = clock.now();
      const fault = await apply(step, id, ctx);
      activity.started = time;
      activity.status = 'applied';
      recorder.record({ kind: 'fault', id, type: 'start', fault: fault.label, detail: fault.detail, time });
      ctx.onEvent({ type: 'fault', action: 'applied', name: activity.name, kind: activity.kind, time });
      if (step.action) recorder.record({ kind: 'process', process: fault.label.replace(/^process:/, ''), action: 'kill', signal: step.action.signal, time });
      if (activity.planned.end === undefined) {
        activity.status = 'healed';
        activity.healed = time;
        recorder.record({ kind: 'fault', id, type: 'end', fault: fault.label, time });
        settled();
        return;
      }
      active.set(id, { fault, activity });
      settled();
      await clock.until(activity.planned.end, ctx.signal);
      await close(id);
      if (step.action?.restart_after !== undefined) recorder.record({ kind: 'process', process: fault.label.replace(/^process:/, ''), action: 'start', time: clock.now() });
    } catch (err) {
      settled();
      activity.status = 'failed';
      activity.error = err instanceof Error ? err.message : String(err);
      ctx.onEvent({ type: 'fault', action: 'failed', name: activity.name, kind: activity.kind, time: clock.now(), error: activity.error });
    }
  };

  const done = Promise.all(steps.map(runStep)).then(() => undefined);
  return {
    activities,
    done,
    async heal(kinds) {
      // A step still being applied (a run stopped mid-apply) is waited for and healed too: otherwise it
      // would take hold after the rollback, and a heal sent to the target could overtake its apply.
      await Promise.all([...inFlight]);
      for (const [id, { fault }] of [...active]) if (!kinds || kinds.includes(fault.kind)) await close(id);
      // And heals the step's own end began a moment ago, so none is still on its way when this returns.
      for (const { kind, healed } of [...closing.values()]) if (!kinds || kinds.includes(kind)) await healed;
    },
    lastHeal: () => lastHeal,
  };
}

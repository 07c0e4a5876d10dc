// `process` faults and actions: a process of the target stopped (SIGSTOP) for a window and continued,
// or killed (SIGKILL/SIGTERM) and restarted after a pause. Only processes the runner started.
import type { Action, ProcessFault } from '../scenario/fault-schema.js';
import type { ProcessControl } from '../target/target.js';
import { once, type ActiveFault } from './active-fault.js';

function requireControl(processes: ProcessControl | undefined): ProcessControl {
  if (!processes) throw new Error('process faults need a target whose processes the runner started (embedded with mode: processes, or command)');
  return processes;
}

/**
 * How many `stop` steps hold each process stopped (by role and index). A process has one stopped state
 * for all of them, so it is continued only when the last one heals: an inner step's heal must not end
 * an outer step's window early.
 */
const stopHolds = new WeakMap<ProcessControl, Map<string, number>>();

/** Stops the process now; healing continues it, once no other `stop` step holds it stopped. */
export function applyProcessFault(fault: ProcessFault, processes: ProcessControl | undefined, onError: (err: unknown) => void): ActiveFault {
  const control = requireControl(processes);
  const index = fault.index ?? 0;
  const name = control.signal(fault.stop, index, 'SIGSTOP');
  // Counted once the signal went: a process that could not be stopped holds nothing.
  const key = `${fault.stop}#${index}`;
  let holds = stopHolds.get(control);
  if (!holds) stopHolds.set(control, (holds = new Map()));
  holds.set(key, (holds.get(key) ?? 0) + 1);
  const heal = once(async () => {
    const left = holds.get(key)! - 1;
    if (left > 0) return void holds.set(key, left);
    holds.delete(key);
    control.signal(fault.stop, index, 'SIGCONT');
  }, onError);
  return { kind: 'process', label: `process:${name}`, detail: { ...fault, signal: 'SIGSTOP' }, heal };
}

/**
 * Kills the process now. With `restart_after`, healing starts the process again (healing early restarts
 * it at once; the window ends as the restart begins); without, the kill is a one-shot with nothing to heal.
 */
export function applyKillAction(action: Action, processes: ProcessControl | undefined, onError: (err: unknown) => void): ActiveFault {
  const control = requireControl(processes);
  const index = action.index ?? 0;
  const name = control.signal(action.kill, index, action.signal);
  const heal = once(async () => {
    if (action.restart_after !== undefined) await control.restart(action.kill, index);
  }, onError);
  return { kind: 'process', label: `process:${name}`, detail: { ...action }, heal };
}

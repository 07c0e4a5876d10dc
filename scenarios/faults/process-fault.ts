// `process` faults and actions: a process of the target stopped (SIGSTOP) for a window and continued,
// or killed (SIGKILL/SIGTERM) and restarted after a pause. Only processes the runner started.
import type { Action, ProcessFault } from '../scenario/fault-schema.js';
import type { ProcessControl } from '../target/target.js';
import { once, type ActiveFault } from './active-fault.js';

function requireControl(processes: ProcessControl | undefined): ProcessControl {
  if (!processes) throw new Error('process faults need a target whose processes the runner started (embedded with mode: processes, or command)');
  return processes;
}

/** Stops the process now; healing continues it. */
export function applyProcessFault(fault: ProcessFault, processes: ProcessControl | undefined, onError: (err: unknown) => void): ActiveFault {
  const control = requireControl(processes);
  const index = fault.index ?? 0;
  const name = control.signal(fault.stop, index, 'SIGSTOP');
  const heal = once(async () => void control.signal(fault.stop, index, 'SIGCONT'), onError);
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

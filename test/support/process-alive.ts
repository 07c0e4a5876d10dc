// Whether a process still exists: signal 0 checks without sending anything.

/** True while `pid` names a live process (ours to signal). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

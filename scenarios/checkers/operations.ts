// Pairs each operation's invoke with its completion, as Jepsen does: on one process, an invoke is
// completed by that process's next ok/fail/info. Records are ordered by time per process first,
// so the pairing does not depend on how records of different processes or kinds interleave.
import type { HistoryRecord, OpRecord, OpValue } from '../history/history.js';

/** An operation with its outcome; `pending` when the history ends before it completed. */
export interface CompletedOp {
  process: number;
  f: string;
  type: 'ok' | 'fail' | 'info' | 'pending';
  /** The invoke's value overlaid with the completion's (which knows the event id and status). */
  value: OpValue;
  invoked: number;
  completed?: number;
}

/**
 * The operations named `f` (all when omitted), in invoke order. A completion with no open
 * invoke on its process is ignored: it cannot be told apart from a recording error. A request the
 * load generator dropped (`fail` with `value.dropped`) is left out: it was never sent, so it is no
 * operation on the service (not a create that failed, nor one that may exist).
 */
export function completedOps(history: readonly HistoryRecord[], f?: string): CompletedOp[] {
  const byProcess = new Map<number, OpRecord[]>();
  for (const record of history) {
    if (record.kind !== 'op' || (f !== undefined && record.f !== f)) continue;
    const list = byProcess.get(record.process) ?? [];
    list.push(record);
    byProcess.set(record.process, list);
  }
  const out: CompletedOp[] = [];
  for (const [process, records] of byProcess) {
    // Stable sort by time; at equal times an invoke goes before a completion.
    records.sort((a, b) => a.time - b.time || Number(b.type === 'invoke') - Number(a.type === 'invoke'));
    let open: CompletedOp | undefined;
    for (const record of records) {
      if (record.type === 'invoke') {
        if (open) out.push(open);
        open = { process, f: record.f, type: 'pending', value: { ...record.value }, invoked: record.time };
      } else if (open && open.f === record.f) {
        if (!(record.type === 'fail' && record.value.dropped === true)) out.push({ ...open, type: record.type, value: { ...open.value, ...record.value }, completed: record.time });
        open = undefined;
      }
    }
    if (open) out.push(open);
  }
  return out.sort((a, b) => a.invoked - b.invoked || a.process - b.process);
}

/** The operation that creates events, whose outcomes the data checkers judge. */
export const CREATE_EVENT = 'create_event';

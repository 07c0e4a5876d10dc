// Lines slow requests up with what bench/stall-probe.mjs recorded in the server, the store and the load
// generator over the same milliseconds: which pause each slow request sat through, if any.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Role = 'server' | 'store' | 'load';

/** A span on the epoch clock (ms) in which a process did not run its JavaScript. */
interface Pause {
  role: Role;
  kind: 'gc' | 'late';
  from: number;
  to: number;
  /** gc: minor, major, incremental or weak. late: 'waiting' (no CPU meanwhile) or 'busy'. */
  detail: string;
  ms: number;
}

/** The causes a slow request is put under, first match wins. */
export const CAUSES = ['store GC', 'server GC', 'store busy', 'server busy', 'load generator busy', 'waiting for a core', 'every process waiting (the host)', 'nothing recorded'] as const;
export type Cause = (typeof CAUSES)[number];

/** Reads every <role>-<pid>.log the probe wrote under `dir`. */
export function readPauses(dir: string): Pause[] {
  const pauses: Pause[] = [];
  for (const name of readdirSync(dir)) {
    const role = /^(server|store|load)-\d+\.log$/.exec(name)?.[1] as Role | undefined;
    if (!role) continue;
    for (const line of readFileSync(join(dir, name), 'utf8').split('\n')) {
      const [kind, at, ms, extra] = line.split(' ');
      if (kind === 'gc') pauses.push({ role, kind, from: Number(at), to: Number(at) + Number(ms), detail: extra!, ms: Number(ms) });
      else if (kind === 'stall') {
        // The 2-ms tick was due 2 ms after `at`; it ran `ms` late. CPU under half the lateness: the
        // process was mostly waiting for a core, not running.
        const from = Number(at) + 2;
        pauses.push({ role, kind: 'late', from, to: from + Number(ms), detail: Number(extra) < Number(ms) / 2 ? 'waiting' : 'busy', ms: Number(ms) });
      }
    }
  }
  return pauses.sort((a, b) => a.from - b.from);
}

/** Pauses shorter than this are ordinary (a scavenge of a millisecond or two) and explain no slow request. */
const PAUSE_MS = 4;

/**
 * The cause of one request that ran over [from, to] (epoch ms): the pause of 4 ms or more that
 * overlapped it longest. A late tick is put down to the process that was busy through it; where
 * none was, to waiting for a core, and where all three waited at once, to the host.
 */
export function causeOf(pauses: readonly Pause[], from: number, to: number): Cause {
  const over = pauses.filter((p) => p.ms >= PAUSE_MS && p.from < to && p.to > from);
  if (over.length === 0) return 'nothing recorded';
  const overlap = (p: Pause) => Math.min(p.to, to) - Math.max(p.from, from);
  const longest = over.reduce((a, b) => (overlap(b) > overlap(a) ? b : a));
  if (longest.kind === 'gc') return longest.role === 'store' ? 'store GC' : 'server GC';
  // Every process late at once, none of them running meanwhile: no core was given to any of them.
  const late = over.filter((p) => p.kind === 'late');
  if (new Set(late.map((p) => p.role)).size === 3 && late.every((p) => p.detail === 'waiting')) return 'every process waiting (the host)';
  const busy = late.filter((p) => p.detail === 'busy');
  if (busy.length === 0) return 'waiting for a core';
  const longestBusy = busy.reduce((a, b) => (overlap(b) > overlap(a) ? b : a));
  return longestBusy.role === 'store' ? 'store busy' : longestBusy.role === 'server' ? 'server busy' : 'load generator busy';
}

/**
 * Requests per cause, slow ones and all of them (how often a request meets each pause by chance), and
 * each process's GC time in [from, to].
 */
export function attribute(pauses: readonly Pause[], requests: readonly { at: number; ms: number }[], slowMs: number, window: { from: number; to: number }) {
  const zero = () => Object.fromEntries(CAUSES.map((c) => [c, 0])) as Record<Cause, number>;
  const slow = zero();
  const all = zero();
  for (const r of requests) {
    const cause = causeOf(pauses, r.at, r.at + r.ms);
    all[cause]++;
    if (r.ms > slowMs) slow[cause]++;
  }
  const gc = (role: Role) => {
    const mine = pauses.filter((p) => p.role === role && p.kind === 'gc' && p.from >= window.from && p.from <= window.to);
    return { ms: mine.reduce((n, p) => n + p.ms, 0), major: mine.filter((p) => p.detail === 'major').length, longest: Math.max(0, ...mine.map((p) => p.ms)) };
  };
  return { slow, all, gc: { server: gc('server'), store: gc('store') } };
}

// Recovery time, as SPEC §5.2 defines it: from the last heal until the probe holds and keeps
// holding for `hold`; `never` (null) if that does not happen within the recovery phase.
// Probes are known per 1 s bucket, so the answer is exact for that step function: ±1 bucket.
import { BUCKET_MS, bucketOf } from '../measure/measurements.js';

/** What recovery is measured on. All times in ms since run start. */
export interface RecoveryInput {
  /** Whether the probe held in bucket `second` (a bucket with no data does not hold). */
  holdsAt: (second: number) => boolean;
  /** The last heal: when the last fault ended. */
  heal: number;
  /** How long the probe must keep holding, in ms (0: holding once is enough). */
  hold: number;
  /** The end of the recovery phase: the holding must fit before it. */
  end: number;
}

/**
 * The earliest t ≥ heal with the probe holding throughout [t, t + hold) and t + hold ≤ end,
 * minus heal; null (never) when there is none. The probe's value changes only at bucket
 * boundaries, so t is either the heal itself or a bucket's start.
 * @example recoveryTime({ holdsAt: (s) => s >= 12, heal: 10_000, hold: 3000, end: 20_000 }) // 2000
 */
export function recoveryTime(input: RecoveryInput): number | null {
  const { holdsAt, heal, hold, end } = input;
  for (let t = heal; t < end && t + hold <= end; t = (bucketOf(t) + 1) * BUCKET_MS) {
    if (holdsThroughout(holdsAt, t, t + hold)) return t - heal;
  }
  return null;
}

/** Whether every bucket overlapping [from, to) holds; with from = to, the bucket of `from`. */
function holdsThroughout(holdsAt: (second: number) => boolean, from: number, to: number): boolean {
  const last = to > from ? bucketOf(to - 1) : bucketOf(from);
  for (let s = bucketOf(from); s <= last; s++) if (!holdsAt(s)) return false;
  return true;
}

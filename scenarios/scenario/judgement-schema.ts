// What the run is judged by: steady-state probes (per 1 s bucket, and before and after), gates scoped
// to phases, the recovery-time gate, and the history invariants.
import { z } from 'zod';
import { durationSchema } from '../gates/duration.js';
import { CHECKER_NAMES } from '../checkers/registry.js';
import { METRIC_NAMES } from '../gates/metric.js';
import { toleranceSchema, type Tolerance } from '../gates/tolerance.js';

/** Metrics a probe or gate can read from one bucket (or a phase's merged buckets). */
export const METRICS = METRIC_NAMES;

/** Operations the load mixes. */
export const OPERATIONS = ['create_event', 'read_event'] as const;

/** The history checkers. */
export const CHECKERS = CHECKER_NAMES;

/** The phases gates can be scoped to. */
export const PHASES = ['baseline', 'fault', 'recovery'] as const;

/** Metrics that are a share of requests, from 0 to 1. */
const SHARES = new Set<string>(['success_rate', 'error_rate']);
/** Metrics that are a time, compared in ms. */
const TIMES = new Set<string>(['latency_p50', 'latency_p90', 'latency_p99', 'latency_max', 'delivery_lag_p50', 'delivery_lag_p90', 'delivery_lag_p99', 'delivery_lag_max']);

/**
 * Why a tolerance cannot be meant for `metric`, or undefined: a share bounded outside 0–1 can never or
 * always hold, a time needs its unit (a bare `0.25` would be read as 0.25 ms), a count or rate has none.
 */
export function toleranceProblem(metric: string, tolerance: Tolerance): string | undefined {
  if (SHARES.has(metric)) {
    const example = metric === 'error_rate' ? '"<= 0.01"' : '">= 0.99"';
    if (tolerance.unit === 'ms') return `${metric} is a share from 0 to 1, not a time: write e.g. ${example}`;
    if (tolerance.value < 0 || tolerance.value > 1) return `${metric} is a share from 0 to 1, so "${tolerance.text}" ${holdsAlways(tolerance) ? 'always holds' : 'can never hold'}: write e.g. ${example}`;
    return undefined;
  }
  if (TIMES.has(metric)) return tolerance.unit === 'ms' ? undefined : `${metric} is a time: give the bound its unit, e.g. "<= 250ms" or "<= 2s"`;
  return tolerance.unit === 'ms' ? `${metric} is not a time: write a number, e.g. ">= 10"` : undefined;
}

/** True when a bound outside 0–1 makes the comparison hold for every share. */
function holdsAlways(t: Tolerance): boolean {
  const above = t.value > 1;
  return (above && (t.op === '<=' || t.op === '<' || t.op === '!=')) || (!above && (t.op === '>=' || t.op === '>' || t.op === '!='));
}

const checkTolerance = (p: { metric?: string; tolerance: Tolerance }, ctx: z.RefinementCtx) => {
  const problem = p.metric === undefined ? undefined : toleranceProblem(p.metric, p.tolerance);
  if (problem) ctx.addIssue({ code: 'custom', path: ['tolerance'], message: problem });
};

/** A probe: a metric of the load or the receiver, or an HTTP GET whose status must match. */
export const probeSchema = z
  .strictObject({
    name: z.string().min(1),
    metric: z.enum(METRICS).optional(),
    of: z.enum(OPERATIONS).optional().describe('which operation (default create_event); lag metrics ignore it'),
    http: z.strictObject({ get: z.string().startsWith('/') }).optional(),
    tolerance: toleranceSchema,
  })
  .refine((p) => (p.metric === undefined) !== (p.http === undefined), { message: 'give exactly one of metric or http' })
  .superRefine(checkTolerance);

/** A gate on a metric over one phase (all its buckets merged). */
export const metricGateSchema = z
  .strictObject({
    name: z.string().optional(),
    phase: z.enum(PHASES),
    metric: z.enum(METRICS),
    of: z.enum(OPERATIONS).optional(),
    tolerance: toleranceSchema,
  })
  .superRefine(checkTolerance);

/** A gate on recovery time: from the last heal until every listed probe holds and keeps holding `hold`. */
export const recoveryGateSchema = z
  .strictObject({
    name: z.string().optional(),
    recovery_time: toleranceSchema,
    probes: z.array(z.string().min(1)).min(1),
    hold: durationSchema.default(5_000),
  })
  .superRefine((g, ctx) => {
    if (g.recovery_time.unit !== 'ms') ctx.addIssue({ code: 'custom', path: ['recovery_time'], message: 'recovery_time is a time: give the bound its unit, e.g. "<= 5s"' });
  });

/** A gate on the history checkers. */
export const invariantsGateSchema = z.strictObject({
  name: z.string().optional(),
  invariants: z.array(z.enum(CHECKERS)).min(1),
});

/** Any gate. */
export const gateSchema = z.union([metricGateSchema, recoveryGateSchema, invariantsGateSchema]);

export type Probe = z.infer<typeof probeSchema>;
export type MetricGate = z.infer<typeof metricGateSchema>;
export type RecoveryGate = z.infer<typeof recoveryGateSchema>;
export type InvariantsGate = z.infer<typeof invariantsGateSchema>;
export type Gate = z.infer<typeof gateSchema>;
export type Metric = (typeof METRICS)[number];
export type Operation = (typeof OPERATIONS)[number];
export type CheckerName = (typeof CHECKERS)[number];
export type Phase = (typeof PHASES)[number];

// What the run is judged by: steady-state probes (per 1 s bucket, and before and after), gates scoped
// to phases, the recovery-time gate, and the history invariants.
import { z } from 'zod';
import { durationSchema } from '../gates/duration.js';
import { CHECKER_NAMES } from '../checkers/registry.js';
import { METRIC_NAMES } from '../gates/metric.js';
import { toleranceSchema } from '../gates/tolerance.js';

/** Metrics a probe or gate can read from one bucket (or a phase's merged buckets). */
export const METRICS = METRIC_NAMES;

/** Operations the load mixes. */
export const OPERATIONS = ['create_event', 'read_event'] as const;

/** The history checkers. */
export const CHECKERS = CHECKER_NAMES;

/** The phases gates can be scoped to. */
export const PHASES = ['baseline', 'fault', 'recovery'] as const;

/** A probe: a metric of the load or the receiver, or an HTTP GET whose status must match. */
export const probeSchema = z
  .strictObject({
    name: z.string().min(1),
    metric: z.enum(METRICS).optional(),
    of: z.enum(OPERATIONS).optional().describe('which operation (default create_event); lag metrics ignore it'),
    http: z.strictObject({ get: z.string().startsWith('/') }).optional(),
    tolerance: toleranceSchema,
  })
  .refine((p) => (p.metric === undefined) !== (p.http === undefined), { message: 'give exactly one of metric or http' });

/** A gate on a metric over one phase (all its buckets merged). */
export const metricGateSchema = z.strictObject({
  name: z.string().optional(),
  phase: z.enum(PHASES),
  metric: z.enum(METRICS),
  of: z.enum(OPERATIONS).optional(),
  tolerance: toleranceSchema,
});

/** A gate on recovery time: from the last heal until every listed probe holds and keeps holding `hold`. */
export const recoveryGateSchema = z.strictObject({
  name: z.string().optional(),
  recovery_time: toleranceSchema,
  probes: z.array(z.string().min(1)).min(1),
  hold: durationSchema.default(5_000),
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

// The scenario file (SPEC §5.1) as one zod schema: validated once, durations turned into
// milliseconds, and the source of the published JSON Schema.
import { z } from 'zod';
import { adapterSchema } from './adapter-schema.js';
import { durationSchema, formatDuration } from '../gates/duration.js';
import { methodStepSchema, plannedEnd } from './fault-schema.js';
import { gateSchema, OPERATIONS, probeSchema } from './judgement-schema.js';
import { targetSchema } from './target-schema.js';

/** Open-model load: `rate` requests start every second whatever the answers do. */
export const loadSchema = z.strictObject({
  rate: z.number().positive().max(10_000),
  duration: durationSchema.optional().describe('default, and longest: the three phases together'),
  mix: z.partialRecord(z.enum(OPERATIONS), z.number().min(0)).default({ create_event: 1 }),
  max_in_flight: z.number().int().min(1).default(1_000).describe('requests outstanding beyond this are dropped and counted'),
  event_types: z.array(z.string().min(1)).min(1).default(['order.created']),
  idempotency_keys: z
    .number()
    .min(0)
    .max(1)
    .default(1)
    .describe('share of creates sent with an Idempotency-Key; the others are sent without one, as a client that never retries does'),
});

/** The three windows gates refer to, back to back from the start of the run. */
export const phasesSchema = z.strictObject({
  baseline: durationSchema,
  fault: durationSchema,
  recovery: durationSchema,
});

/** What the rollbacks undo (all of it, by default). */
export const rollbackSchema = z.strictObject({ heal: z.enum(['all', 'chaos', 'proxy', 'receiver', 'process']) });

/** A whole scenario. */
export const scenarioSchema = z
  .strictObject({
    $schema: z.string().optional(),
    title: z.string().min(1),
    description: z.string().optional(),
    seed: z.number().int().min(0).max(2 ** 31 - 1).optional(),
    target: targetSchema.default({ kind: 'embedded', mode: 'in-process', workers: 1 }),
    adapter: adapterSchema.default('triggers-api'),
    load: loadSchema,
    phases: phasesSchema,
    steady_state: z.array(probeSchema).default([]),
    method: z.array(methodStepSchema).default([]),
    rollbacks: z.array(rollbackSchema).default([{ heal: 'all' }]),
    gates: z.array(gateSchema).default([]),
    quiesce: durationSchema.default(20_000).describe('longest wait after the load for deliveries to settle'),
    webhooks: z.number().int().min(0).max(20).default(1).describe('webhooks registered to the receiver'),
  })
  .superRefine((s, ctx) => {
    const total = s.phases.baseline + s.phases.fault + s.phases.recovery;
    // Load after the recovery phase would be in no phase: no gate, probe or count of the journal sees it.
    if (s.load.duration !== undefined && s.load.duration > total) {
      ctx.addIssue({ code: 'custom', path: ['load', 'duration'], message: `${formatDuration(s.load.duration)} is longer than the three phases (${formatDuration(total)}), and no gate would see the load after them: lengthen the recovery phase, or shorten the load` });
    }
    s.method.forEach((step, i) => {
      // A kill's restart is its heal: planned after the run, the run would wait for it.
      const end = plannedEnd(step) ?? step.at;
      if (end > total) ctx.addIssue({ code: 'custom', path: ['method', i, 'at'], message: `ends at ${end} ms, after the run (${total} ms)` });
    });
    const names = new Set(s.steady_state.map((p) => p.name));
    s.gates.forEach((gate, i) => {
      if (!('probes' in gate)) return;
      gate.probes.forEach((probe, j) => {
        if (!names.has(probe)) ctx.addIssue({ code: 'custom', path: ['gates', i, 'probes', j], message: `no steady_state probe named "${probe}"` });
      });
      const short = recoveryRoomProblem(s, gate);
      if (short) ctx.addIssue({ code: 'custom', path: ['gates', i, 'recovery_time'], message: short });
    });
  });

/**
 * Why a recovery gate's upper bound could not be confirmed: recovery counts from the last heal and
 * needs its hold before the run ends, so a service recovering at the bound would fail for want of
 * time, and the gate would really judge a tighter bound than it states. Undefined when there is room.
 */
function recoveryRoomProblem(
  s: { phases: { baseline: number; fault: number; recovery: number }; method: readonly { at: number; for?: number; action?: { restart_after?: number } }[] },
  gate: { recovery_time: { op: string; value: number; unit: string }; hold: number },
): string | undefined {
  const { op, value: bound, unit } = gate.recovery_time;
  if ((op !== '<=' && op !== '<') || unit !== 'ms') return undefined;
  const recoveryStart = s.phases.baseline + s.phases.fault;
  const end = recoveryStart + s.phases.recovery;
  // As the runner counts it (runner/timeline.ts): the last planned heal; with none, the recovery
  // phase's start.
  const ends = s.method.flatMap((step) => {
    const end = plannedEnd(step);
    return end === undefined ? [] : [end];
  });
  const heal = ends.length > 0 ? Math.max(...ends) : recoveryStart;
  if (heal + bound + gate.hold <= end) return undefined;
  const fix = `make the recovery phase at least ${formatDuration(heal + bound + gate.hold - recoveryStart)}, or lower the bound or the hold`;
  const from = ends.length > 0 ? `the last heal at ${formatDuration(heal)}` : `the recovery phase's start at ${formatDuration(heal)}, as no fault heals`;
  return `a recovery at the bound (${formatDuration(bound)}) with its ${formatDuration(gate.hold)} hold needs until ${formatDuration(heal + bound + gate.hold)} (from ${from}), but the run ends at ${formatDuration(end)}: ${fix}`;
}

/** A validated scenario: defaults filled in, durations in milliseconds. */
export type Scenario = z.infer<typeof scenarioSchema>;

/** A scenario as written (durations as strings, defaults optional). */
export type ScenarioInput = z.input<typeof scenarioSchema>;

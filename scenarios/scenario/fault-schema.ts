// The fault vocabulary of a scenario's method: `chaos` rules for the target's fault points, `proxy`
// toxics on the links the runner creates, the runner's own `receiver` misbehaving, and `process`
// signals; plus the one-shot actions (kill, restart) a timeline can hold.
import { z } from 'zod';
import { CHAOS_POINTS, injectorProblem, injectorSchema } from '../../chaos/src/index.js';
import { durationSchema } from '../gates/duration.js';

const probability = z.number().min(0).max(1);

/**
 * A rule for the target's fault points, installed through its `/_chaos` API for the step's window. An
 * injector its point cannot apply is refused here: the target would refuse the rule mid-run, and the
 * step would be only noted as not applied.
 */
export const chaosFaultSchema = z
  .strictObject({
    point: z.enum(CHAOS_POINTS),
    match: z.record(z.string(), z.union([z.string(), z.array(z.string())])).optional(),
    injector: injectorSchema,
    probability: probability.optional(),
  })
  .superRefine((fault, ctx) => {
    const problem = injectorProblem(fault.point, fault.injector.kind);
    if (problem) ctx.addIssue({ code: 'custom', path: ['injector', 'kind'], message: problem });
  });

/** Toxiproxy's toxic types, with their wire names. */
export const TOXIC_TYPES = ['latency', 'bandwidth', 'slow_close', 'timeout', 'reset_peer', 'slicer', 'limit_data'] as const;

/** The links the runner creates and rewires the target through. */
export const PROXY_LINKS = ['dynamodb', 'receiver'] as const;

/** A toxic, or the link down (`down: true`, Toxiproxy's `enabled: false`). */
export const proxyFaultSchema = z
  .strictObject({
    link: z.enum(PROXY_LINKS),
    toxic: z
      .strictObject({
        type: z.enum(TOXIC_TYPES),
        stream: z.enum(['upstream', 'downstream']).optional(),
        toxicity: probability.optional(),
        attributes: z.record(z.string(), z.number()).optional(),
      })
      .optional(),
    down: z.boolean().optional(),
  })
  .refine((f) => (f.toxic === undefined) !== (f.down !== true), { message: 'give exactly one of toxic or down: true' });

/** How the runner's receiver misbehaves during the window (probability: share of receipts affected). */
export const receiverFaultSchema = z
  .strictObject({
    status: z.number().int().min(100).max(599).optional(),
    delay: durationSchema.optional(),
    hang: z.boolean().optional(),
    reset: z.boolean().optional(),
    trickle: durationSchema.optional().describe('spread a 200 answer over this long, a byte at a time'),
    probability: probability.optional(),
  })
  .refine((f) => f.status !== undefined || f.delay !== undefined || f.hang || f.reset || f.trickle !== undefined, {
    message: 'give at least one of status, delay, hang, reset, trickle',
  });

/** The processes of a target the runner started. */
export const PROCESS_ROLES = ['server', 'worker'] as const;

/** A process stopped (SIGSTOP) for the window and continued (SIGCONT) at its end. */
export const processFaultSchema = z.strictObject({
  stop: z.enum(PROCESS_ROLES),
  index: z.number().int().min(0).optional().describe('which worker (default 0)'),
});

/** Exactly one fault kind per step. */
export const faultSchema = z
  .strictObject({
    chaos: chaosFaultSchema.optional(),
    proxy: proxyFaultSchema.optional(),
    receiver: receiverFaultSchema.optional(),
    process: processFaultSchema.optional(),
  })
  .refine((f) => [f.chaos, f.proxy, f.receiver, f.process].filter((x) => x !== undefined).length === 1, {
    message: 'give exactly one of chaos, proxy, receiver, process',
  });

/** A one-shot action: kill (with a signal) and optionally restart after a pause. */
export const actionSchema = z.strictObject({
  kill: z.enum(PROCESS_ROLES),
  index: z.number().int().min(0).optional(),
  signal: z.enum(['SIGKILL', 'SIGTERM']).default('SIGKILL'),
  restart_after: durationSchema.optional(),
});

/** One entry of the timeline: a fault with an end (`for`), or an action. */
export const methodStepSchema = z
  .strictObject({
    name: z.string().optional(),
    at: durationSchema.describe('when the step starts, from the start of the run (baseline included)'),
    for: durationSchema.optional().describe('how long the fault lasts; the runner heals it at the end'),
    fault: faultSchema.optional(),
    action: actionSchema.optional(),
  })
  .superRefine((step, ctx) => {
    if ((step.fault === undefined) === (step.action === undefined)) ctx.addIssue({ code: 'custom', message: 'give exactly one of fault or action' });
    if (step.fault !== undefined && step.for === undefined) ctx.addIssue({ code: 'custom', path: ['for'], message: 'every fault needs an end: add for: <duration>' });
  });

export type ChaosFault = z.infer<typeof chaosFaultSchema>;
export type ProxyFault = z.infer<typeof proxyFaultSchema>;
export type ReceiverFault = z.infer<typeof receiverFaultSchema>;
export type ProcessFault = z.infer<typeof processFaultSchema>;
export type Fault = z.infer<typeof faultSchema>;
export type Action = z.infer<typeof actionSchema>;
export type MethodStep = z.infer<typeof methodStepSchema>;

/**
 * When a step is planned to heal, ms since the run's start: the end of its fault window, or of a kill's
 * restart delay; undefined for a step that does not heal (a kill with no restart).
 */
export function plannedEnd(step: { at: number; for?: number; action?: { restart_after?: number } }): number | undefined {
  const lasts = step.for ?? step.action?.restart_after;
  return lasts === undefined ? undefined : step.at + lasts;
}

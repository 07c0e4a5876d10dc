// The chaos rule: where a fault applies (point + match), what it does (injector), how often
// (probability) and for how long (start_after, duration, max_count), validated once with zod.
import { z } from 'zod';
import { ChaosError, type ChaosErrorDetail } from '../chaos-error.js';
import { CHAOS_POINTS, injectorProblem, injectorSchema } from './injector-schema.js';

const pattern = z.string().min(1).max(200);

/**
 * A rule as stored. Times are milliseconds relative to when the rule is installed: it starts after
 * `start_after` and ends `duration` later (`null`: only when healed; omitted: the engine's default,
 * 10 minutes, so a forgotten rule cannot outlive its experiment) or after `max_count` injections.
 */
export const ruleSchema = z
  .strictObject({
    id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/, 'letters, digits, _ . : - (at most 100)'),
    point: z.enum(CHAOS_POINTS),
    match: z.record(z.string().min(1).max(50), z.union([pattern, z.array(pattern).min(1).max(50)])).default({}),
    injector: injectorSchema,
    probability: z.number().min(0).max(1).default(1),
    start_after: z.number().int().min(0).max(86_400_000).default(0),
    duration: z.number().int().min(1).max(7 * 86_400_000).nullable().optional(),
    max_count: z.number().int().min(1).optional(),
  })
  .superRefine((rule, ctx) => {
    const problem = injectorProblem(rule.point, rule.injector.kind);
    if (problem) ctx.addIssue({ code: 'custom', path: ['injector', 'kind'], message: problem });
  });

/** A validated rule, defaults filled in. */
export type Rule = z.infer<typeof ruleSchema>;

/** A rule as written by a person (defaults optional). */
export type RuleInput = z.input<typeof ruleSchema>;

/** Turns zod issues into the package's field-path details (`rules.0.injector.kind`). */
export function issuesToDetails(issues: readonly z.core.$ZodIssue[], prefix: readonly (string | number)[] = []): ChaosErrorDetail[] {
  return issues.map((issue) => ({
    path: [...prefix, ...issue.path].map(String).join('.') || '(root)',
    message: issue.message,
  }));
}

/**
 * Validates a list of rules. Throws a `ChaosError` `validation_error` whose details name every bad
 * field (`0.probability`, `1.injector.kind`) and any duplicated id.
 *
 * @example
 * const [rule] = parseRules([{ id: 'slow', point: 'dynamodb', injector: { kind: 'latency', ms: 200 } }]);
 */
export function parseRules(input: unknown, pathPrefix: readonly (string | number)[] = []): Rule[] {
  const result = z.array(ruleSchema).max(1000).safeParse(input);
  if (!result.success) {
    const details = issuesToDetails(result.error.issues, pathPrefix);
    throw new ChaosError('validation_error', `invalid chaos rule: ${details.map((d) => `${d.path}: ${d.message}`).join('; ')}`, { details });
  }
  const seen = new Map<string, number>();
  result.data.forEach((rule, i) => {
    const first = seen.get(rule.id);
    if (first !== undefined) {
      const path = [...pathPrefix, i, 'id'].join('.');
      throw new ChaosError('validation_error', `duplicate rule id ${rule.id}`, { details: [{ path, message: `duplicate of rule ${first}` }] });
    }
    seen.set(rule.id, i);
  });
  return result.data;
}

// Validates a scenario object and turns zod's issues into one readable error naming the file and
// every bad field path.
import type { z } from 'zod';
import { ScenarioError, type FieldIssue } from './scenario-error.js';
import { scenarioSchema, type Scenario } from './scenario-schema.js';

function pathOf(issue: z.core.$ZodIssue): string {
  return issue.path.map(String).join('.') || '(root)';
}

/** Flattens union errors to the branch that got furthest, so the message names the real field. */
function flatten(issues: readonly z.core.$ZodIssue[], prefix: PropertyKey[] = []): FieldIssue[] {
  return issues.flatMap((issue) => {
    const path = [...prefix, ...issue.path];
    if (issue.code === 'invalid_union' && issue.errors.length > 0) {
      const best = [...issue.errors].sort((a, b) => depth(b) - depth(a))[0]!;
      return flatten(best, path);
    }
    return [{ path: pathOf({ ...issue, path } as z.core.$ZodIssue), message: issue.message }];
  });
}

function depth(issues: readonly z.core.$ZodIssue[]): number {
  return Math.max(0, ...issues.map((i) => i.path.length + (i.code === 'invalid_type' ? 0 : 0.5)));
}

/**
 * Validates `input` as a scenario. Throws `ScenarioError` `invalid_scenario` whose message reads
 * `<file>: <path>: <problem>` for the first bad field and whose `issues` list them all.
 *
 * @example const scenario = parseScenario(YAML.parse(text), 'scenarios/catalog/outage.yaml');
 */
export function parseScenario(input: unknown, file = '<inline>'): Scenario {
  const result = scenarioSchema.safeParse(input);
  if (result.success) return result.data;
  const issues = flatten(result.error.issues);
  const first = issues[0]!;
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  throw new ScenarioError('invalid_scenario', `${file}: ${first.path}: ${first.message}${more}`, { issues, file });
}

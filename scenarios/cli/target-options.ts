// The options `aftershock run` and `aftershock validate` share to point every scenario at another
// target: --target embedded | url, with --base-url and --admin-token-env for a url.
import { ScenarioError } from '../scenario/scenario-error.js';
import type { Scenario } from '../scenario/scenario-schema.js';
import type { Target } from '../scenario/target-schema.js';

/** parseArgs options for the target override. */
export const TARGET_OPTIONS = {
  target: { type: 'string' },
  'base-url': { type: 'string' },
  'admin-token-env': { type: 'string' },
} as const;

/** The target the options name, or undefined without --target; throws `invalid_options` when they are incomplete. */
export function targetOverride(values: { target?: string; 'base-url'?: string; 'admin-token-env'?: string }): Target | undefined {
  // Dropped, they would leave the run on the file's target: a PASS against another service than meant.
  const urlOnly = (['base-url', 'admin-token-env'] as const).find((name) => values[name] !== undefined);
  if (urlOnly && values.target !== 'url') {
    throw new ScenarioError('invalid_options', `--${urlOnly} is for --target url: add --target url to run against it, or leave --${urlOnly} out`);
  }
  if (values.target === undefined) return undefined;
  if (values.target === 'embedded') return { kind: 'embedded', mode: 'in-process', workers: 1 };
  if (values.target === 'url') {
    if (values['base-url'] === undefined) throw new ScenarioError('invalid_options', '--target url needs --base-url URL');
    return { kind: 'url', base_url: values['base-url'], admin_token_env: values['admin-token-env'] ?? 'AFTERSHOCK_ADMIN_TOKEN' };
  }
  throw new ScenarioError('invalid_options', `--target ${values.target}: use embedded or url (command targets are written in the scenario file)`);
}

/** The scenario as the override points it: a scenario already embedded keeps its mode and workers. */
export function withTarget(scenario: Scenario, override: Target | undefined): Scenario {
  if (!override || (override.kind === 'embedded' && scenario.target.kind === 'embedded')) return scenario;
  return { ...scenario, target: override };
}

/**
 * Why the first of `names` whose value in `values` is not an http(s) URL is wrong, as one line with an
 * example (`--base-url "x" is not an http(s) URL, e.g. http://127.0.0.1:8080`); undefined when all are.
 */
export function urlOptionProblem(values: Record<string, unknown>, names: readonly string[], example = 'http://127.0.0.1:8080'): string | undefined {
  const bad = names.find((name) => typeof values[name] === 'string' && !isHttpUrl(values[name]));
  return bad === undefined ? undefined : `--${bad} ${JSON.stringify(values[bad])} is not an http(s) URL, e.g. ${example}`;
}

/** True for an http(s) URL. */
export function isHttpUrl(value: string): boolean {
  try {
    return ['http:', 'https:'].includes(new URL(value).protocol);
  } catch {
    return false;
  }
}

// Request templates for the `http` adapter: `{{name}}` placeholders in paths, header values and body
// strings, filled from the run's variables; a body string that is one placeholder keeps its value's type.

import { ScenarioError } from '../scenario/scenario-error.js';

/** Variables a template may use; `env.NAME` reads the environment. */
export type TemplateVars = Record<string, string | number | undefined>;

/**
 * Whatever stands between `{{` and `}}`, not only well-formed names: `{{idempotency-key}}` is a typo of
 * a placeholder to refuse, not literal text to send (the service would get the same "key" every time).
 */
const PLACEHOLDER = /\{\{\s*([^{}]*?)\s*\}\}/g;
const WHOLE = /^\{\{\s*([^{}]*?)\s*\}\}$/;

function lookup(name: string, vars: TemplateVars, env: Record<string, string | undefined>): string | number {
  const [source, key] = name.startsWith('env.') ? [env, name.slice(4)] : [vars, name];
  const value = Object.hasOwn(source, key) ? source[key] : undefined;
  if (value === undefined) throw new ScenarioError('invalid_scenario', `template variable {{${name}}} has no value${name.startsWith('env.') ? `: set ${name.slice(4)}` : ''}`);
  return value;
}

/**
 * The names of the placeholders in every string of `template` (a path, headers, a JSON body), once
 * each: every `{{…}}`, so a name no request knows (`{{idempotency-key}}`, `{{}}`) is refused before a run.
 */
export function placeholders(template: unknown): string[] {
  const names = new Set<string>();
  const walk = (value: unknown): void => {
    if (typeof value === 'string') for (const m of value.matchAll(PLACEHOLDER)) names.add(m[1]!);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value !== null && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(template);
  return [...names];
}

/** Fills a string template. Throws naming the variable when one has no value. */
export function fillString(template: string, vars: TemplateVars, env: Record<string, string | undefined>): string {
  return template.replace(PLACEHOLDER, (_, name: string) => String(lookup(name, vars, env)));
}

/**
 * Fills every string leaf of a JSON body; `"{{seq}}"` alone becomes the number itself.
 * @example fillBody({ n: '{{seq}}', type: 'x.{{event_type}}' }, { seq: 3, event_type: 'a' }, {}) // { n: 3, type: 'x.a' }
 */
export function fillBody(body: unknown, vars: TemplateVars, env: Record<string, string | undefined>): unknown {
  if (typeof body === 'string') {
    const whole = WHOLE.exec(body);
    return whole ? lookup(whole[1]!, vars, env) : fillString(body, vars, env);
  }
  if (Array.isArray(body)) return body.map((item) => fillBody(item, vars, env));
  if (body !== null && typeof body === 'object') return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, fillBody(v, vars, env)]));
  return body;
}

// Request templates for the `http` adapter: `{{name}}` placeholders in paths, header values and body
// strings, filled from the run's variables; a body string that is one placeholder keeps its value's type.

/** Variables a template may use; `env.NAME` reads the environment. */
export type TemplateVars = Record<string, string | number | undefined>;

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}/g;

function lookup(name: string, vars: TemplateVars, env: Record<string, string | undefined>): string | number {
  const value = name.startsWith('env.') ? env[name.slice(4)] : vars[name];
  if (value === undefined) throw new Error(`template variable {{${name}}} has no value`);
  return value;
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
    const whole = /^\{\{\s*([A-Za-z_][A-Za-z0-9_.]*)\s*\}\}$/.exec(body);
    return whole ? lookup(whole[1]!, vars, env) : fillString(body, vars, env);
  }
  if (Array.isArray(body)) return body.map((item) => fillBody(item, vars, env));
  if (body !== null && typeof body === 'object') return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, fillBody(v, vars, env)]));
  return body;
}

// Turns POST /proxies, /populate and proxy update bodies into settings, with Toxiproxy's messages.
// Two extensions plain clients never send: `toxics` (create a proxy with its toxics in one call) and
// `seed` (this proxy's own random seed).
import { apiErrors, failure, success, type Outcome } from './api-error.js';
import { asObject, field, typed } from './json-fields.js';
import { parseToxicCreate, type ToxicSpec } from './toxic-spec.js';

/** A proxy as requested. */
export interface ProxyInput {
  name: string;
  listen: string;
  upstream: string;
  /** Absent means "not said" (create defaults it to true, populate too, update keeps the current value). */
  enabled?: boolean;
  /** Extension: toxics to install before the proxy starts; undefined when the body had none. */
  toxics?: ToxicSpec[];
  /** Extension: a seed for this proxy's random streams. */
  seed?: number;
}

/** Decodes the plain fields and the extensions; required fields are checked by `requireProxyFields`. */
export function parseProxyInput(body: unknown): Outcome<ProxyInput> {
  const object = asObject(body, 'toxiproxy.Proxy');
  if (!object.ok) return failure(apiErrors.badRequestBody(object.message));
  const name = typed(object.value, 'name', 'Proxy.name', 'string');
  const listen = typed(object.value, 'listen', 'Proxy.listen', 'string');
  const upstream = typed(object.value, 'upstream', 'Proxy.upstream', 'string');
  const enabled = typed(object.value, 'enabled', 'Proxy.enabled', 'bool');
  const seed = typed(object.value, 'seed', 'Proxy.seed', 'int64');
  for (const f of [name, listen, upstream, enabled, seed]) if (!f.ok) return failure(apiErrors.badRequestBody(f.message));
  const input: ProxyInput = {
    name: (name.ok && name.value) || '',
    listen: (listen.ok && listen.value) || '',
    upstream: (upstream.ok && upstream.value) || '',
  };
  if (enabled.ok && enabled.value !== undefined) input.enabled = enabled.value;
  if (seed.ok && seed.value !== undefined) input.seed = seed.value;
  const rawToxics = field(object.value, 'toxics');
  if (rawToxics !== undefined) {
    if (!Array.isArray(rawToxics)) {
      return failure(apiErrors.badRequestBody('json: cannot unmarshal non-array into Go struct field Proxy.toxics'));
    }
    const toxics: ToxicSpec[] = [];
    for (const raw of rawToxics) {
      const toxic = parseToxicCreate(raw, (n) => toxics.some((t) => t.name === n));
      if (!toxic.ok) return toxic;
      toxics.push(toxic.value);
    }
    input.toxics = toxics;
  }
  return success(input);
}

/** Checks the required fields of a new proxy. */
export function requireProxyFields(input: ProxyInput, where = ''): Outcome<ProxyInput> {
  if (input.name === '') return failure(apiErrors.missingField(`name${where}`));
  if (input.upstream === '') return failure(apiErrors.missingField(`upstream${where}`));
  return success(input);
}

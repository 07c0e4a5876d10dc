// A toxic as the API sees it (name, type, stream, toxicity, attributes) and how request bodies become
// one, checked in Toxiproxy's order so the same bad request gets the same error.
import { apiErrors, failure, success, type Outcome } from './api-error.js';
import { asObject, field, typed } from './json-fields.js';
import { toxicType } from './toxics/registry.js';
import type { Attributes } from './toxics/toxic.js';

/** Which way data flows: `upstream` is client → server, `downstream` is server → client. */
export type Direction = 'upstream' | 'downstream';

/** An immutable toxic definition; an update produces a new object, which is how links notice changes. */
export interface ToxicSpec {
  readonly name: string;
  readonly type: string;
  readonly stream: Direction;
  readonly toxicity: number;
  readonly attributes: Readonly<Attributes>;
}

/** The wire shape, keys in Toxiproxy's order. */
export function toxicJson(spec: ToxicSpec): Record<string, unknown> {
  return { attributes: spec.attributes, name: spec.name, type: spec.type, stream: spec.stream, toxicity: spec.toxicity };
}

const goStructs: Record<string, string> = {
  latency: 'LatencyToxic',
  bandwidth: 'BandwidthToxic',
  slow_close: 'SlowCloseToxic',
  timeout: 'TimeoutToxic',
  reset_peer: 'ResetToxic',
  slicer: 'SlicerToxic',
  limit_data: 'LimitDataToxic',
  noop: 'NoopToxic',
};

/** Decodes `attributes` of a type onto `base`: known keys only, case-insensitive, integers only. */
function decodeAttributes(type: string, raw: unknown, base: Attributes): Outcome<Attributes> {
  const definition = toxicType(type);
  if (!definition) return failure(apiErrors.invalidToxicType);
  const object = asObject(raw ?? null, `toxics.${goStructs[type] ?? type}`);
  if (!object.ok) return failure(apiErrors.badRequestBody(object.message));
  const result: Attributes = {};
  for (const key of Object.keys(definition.defaults)) {
    const value = typed(object.value, key, `${goStructs[type] ?? type}.attributes.${key}`, 'int64');
    if (!value.ok) return failure(apiErrors.badRequestBody(value.message));
    result[key] = value.value ?? base[key] ?? 0;
  }
  const problem = definition.validate?.(result);
  return problem ? failure(apiErrors.badRequestBody(problem)) : success(result);
}

/**
 * Builds a new toxic from a POST /proxies/{name}/toxics body: defaults `stream: downstream`,
 * `toxicity: 1`, `name: <type>_<stream>`. Fails with 400s, or 409 when `exists(name)`.
 */
export function parseToxicCreate(body: unknown, exists: (name: string) => boolean): Outcome<ToxicSpec> {
  const object = asObject(body, 'toxics.ToxicWrapper');
  if (!object.ok) return failure(apiErrors.badRequestBody(object.message));
  const fields = [
    typed(object.value, 'name', 'ToxicWrapper.name', 'string'),
    typed(object.value, 'type', 'ToxicWrapper.type', 'string'),
    typed(object.value, 'stream', 'ToxicWrapper.stream', 'string'),
  ] as const;
  for (const f of fields) if (!f.ok) return failure(apiErrors.badRequestBody(f.message));
  const toxicity = typed(object.value, 'toxicity', 'ToxicWrapper.toxicity', 'float32');
  if (!toxicity.ok) return failure(apiErrors.badRequestBody(toxicity.message));
  const [name, type, stream] = fields.map((f) => (f.ok ? f.value : undefined));
  const direction = (stream ?? 'downstream').toLowerCase();
  if (direction !== 'upstream' && direction !== 'downstream') return failure(apiErrors.invalidStream);
  const typeName = type ?? '';
  if (!toxicType(typeName)) return failure(apiErrors.invalidToxicType);
  const toxicName = name || `${typeName}_${direction}`;
  if (exists(toxicName)) return failure(apiErrors.toxicAlreadyExists);
  const attributes = decodeAttributes(typeName, field(object.value, 'attributes'), toxicType(typeName)?.defaults ?? {});
  if (!attributes.ok) return attributes;
  return success({ name: toxicName, type: typeName, stream: direction, toxicity: toxicity.value ?? 1, attributes: attributes.value });
}

/** Applies a POST/PATCH /proxies/{name}/toxics/{toxic} body: attributes merge, toxicity kept if omitted. */
export function parseToxicUpdate(current: ToxicSpec, body: unknown): Outcome<ToxicSpec> {
  const object = asObject(body, 'struct { Attributes interface {} "json:\\"attributes\\""; Toxicity float32 }');
  if (!object.ok) return failure(apiErrors.badRequestBody(object.message));
  const attributes = decodeAttributes(current.type, field(object.value, 'attributes'), current.attributes);
  if (!attributes.ok) return attributes;
  const toxicity = typed(object.value, 'toxicity', 'toxicity', 'float32');
  if (!toxicity.ok) return failure(apiErrors.badRequestBody(toxicity.message));
  return success({ ...current, attributes: attributes.value, toxicity: toxicity.value ?? current.toxicity });
}

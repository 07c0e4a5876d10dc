// Reads request JSON the way Go's encoding/json does for Toxiproxy: keys match case-insensitively
// (an exact match wins), unknown keys are ignored, and a wrong type is reported in Go's words.

/** A decoded value or the decoder's message (which the API prefixes with `bad request body: `). */
export type Decoded<T> = { ok: true; value: T } | { ok: false; message: string };

/** Parses a request body; an empty body is Go's `EOF`. */
export function parseBody(text: string): Decoded<unknown> {
  if (text.trim() === '') return { ok: false, message: 'EOF' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

/** JSON's name for a value's type, as Go prints it in unmarshal errors. */
function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'object' : typeof value;
}

/** An object body as a record, or Go's message for a non-object. */
export function asObject(value: unknown, goType: string): Decoded<Record<string, unknown>> {
  if (value === null) return { ok: true, value: {} };
  if (typeof value === 'object' && !Array.isArray(value)) return { ok: true, value: value as Record<string, unknown> };
  return { ok: false, message: `json: cannot unmarshal ${jsonKind(value)} into Go value of type ${goType}` };
}

/** The value under `key`, matched exactly first, then case-insensitively; undefined when absent or null. */
export function field(object: Record<string, unknown>, key: string): unknown {
  if (key in object) return object[key] ?? undefined;
  const lower = key.toLowerCase();
  for (const [name, value] of Object.entries(object)) if (name.toLowerCase() === lower) return value ?? undefined;
  return undefined;
}

type Kind = 'string' | 'bool' | 'float32' | 'int64';

// Go refuses to decode a number beyond float32's range into a float32 field (`toxicity: 1e39` is a 400).
const maxFloat32 = 3.4028234663852886e38;

function mismatch(value: unknown, where: string, kind: Kind): string {
  const shown = typeof value === 'number' ? `number ${value}` : jsonKind(value);
  return `json: cannot unmarshal ${shown} into Go struct field ${where} of type ${kind}`;
}

/** Reads a typed field; `where` is Go's field path such as `Proxy.name`. Absent fields give undefined. */
export function typed(object: Record<string, unknown>, key: string, where: string, kind: 'string'): Decoded<string | undefined>;
export function typed(object: Record<string, unknown>, key: string, where: string, kind: 'bool'): Decoded<boolean | undefined>;
export function typed(
  object: Record<string, unknown>,
  key: string,
  where: string,
  kind: 'float32' | 'int64',
): Decoded<number | undefined>;
export function typed(
  object: Record<string, unknown>,
  key: string,
  where: string,
  kind: Kind,
): Decoded<string | boolean | number | undefined> {
  const value = field(object, key);
  if (value === undefined) return { ok: true, value: undefined };
  const fits =
    (kind === 'string' && typeof value === 'string') ||
    (kind === 'bool' && typeof value === 'boolean') ||
    (kind === 'float32' && typeof value === 'number' && Math.abs(value) <= maxFloat32) ||
    (kind === 'int64' && typeof value === 'number' && Number.isSafeInteger(value));
  return fits ? { ok: true, value: value as string | boolean | number } : { ok: false, message: mismatch(value, where, kind) };
}

// JSON-path extraction for the `http` adapter (jsonpath-plus, script evaluation off). A path is parsed
// once; a plain member path (`$.id`, `$.data.items[0].id`) is then walked directly, because the library
// costs tens of µs per call on the load path (it parses and builds error objects every time), and
// anything richer (wildcards, `..`, filters) goes to the library.
import { JSONPath } from 'jsonpath-plus';

/** A segment the direct walk can follow: a name or an array index. */
const PLAIN = /^(?:[A-Za-z_$][\w$-]*|\d+)$/;
const compiled = new Map<string, string[] | null>();

function plainSegments(path: string): string[] | null {
  let segments = compiled.get(path);
  if (segments === undefined) {
    const parts = JSONPath.toPathArray(path) as string[];
    segments = parts[0] === '$' && parts.slice(1).every((p) => PLAIN.test(p)) ? parts.slice(1) : null;
    compiled.set(path, segments);
  }
  return segments;
}

/**
 * Why `path` cannot be read, or undefined: a filter or script segment (`[?(@.x)]`, `[(@.length-1)]`)
 * needs script evaluation, which is off, and would throw on every answer it met.
 */
export function pathProblem(path: string): string | undefined {
  const script = (JSONPath.toPathArray(path) as string[]).find((segment) => /^\??\(/.test(segment));
  return script === undefined ? undefined : `its segment [${script}] is a script expression, and those are off`;
}

/** A value an id can be: a string, a number or a boolean (an object or an array is not one). */
const isScalar = (value: unknown): value is string | number | boolean => typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

/**
 * The first string, number or boolean at a JSON path, as a string; undefined when there is none. A
 * path that lands on an object or an array (`$.event` for `{"event":{"id":…}}`) finds nothing: as text
 * every such value would be the same id, "[object Object]", and the run would blame the service.
 */
export function extract(path: string, json: unknown): string | undefined {
  const segments = plainSegments(path);
  if (segments) {
    let node: unknown = json;
    for (const name of segments) {
      if (node === null || typeof node !== 'object' || !Object.hasOwn(node, name)) {
        node = undefined;
        break;
      }
      node = (node as Record<string, unknown>)[name];
    }
    // A found value is final; a miss goes to the library, whose reading of edge cases is the rule.
    if (node !== undefined && node !== null && typeof node !== 'object') return String(node);
  }
  if (json === undefined) return undefined;
  const found: unknown = JSONPath({ path, json: json as object, wrap: true, eval: false });
  const value = (Array.isArray(found) ? found : []).find(isScalar);
  return value === undefined ? undefined : String(value);
}

/** Every value at a JSON path that is a string or a number, as strings (`$.items[*].id`); [] when there is none. */
export function extractAll(path: string, json: unknown): string[] {
  if (json === undefined) return [];
  const found: unknown = JSONPath({ path, json: json as object, wrap: true, eval: false });
  return (Array.isArray(found) ? found : []).filter((v) => typeof v === 'string' || typeof v === 'number').map(String);
}

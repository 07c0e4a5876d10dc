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

/** The first value at a JSON path, as a string; undefined when there is none. */
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
  const found: unknown = JSONPath({ path, json: json as object, wrap: false, eval: false });
  const value = Array.isArray(found) ? found[0] : found;
  return value === undefined || value === null ? undefined : String(value);
}

/** Every value at a JSON path that is a string or a number, as strings (`$.items[*].id`); [] when there is none. */
export function extractAll(path: string, json: unknown): string[] {
  if (json === undefined) return [];
  const found: unknown = JSONPath({ path, json: json as object, wrap: true, eval: false });
  return (Array.isArray(found) ? found : []).filter((v) => typeof v === 'string' || typeof v === 'number').map(String);
}

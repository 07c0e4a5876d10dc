// JSON-path extraction: the direct walk of plain member paths answers exactly what jsonpath-plus
// answers, and richer paths still go to the library.
import fc from 'fast-check';
import { JSONPath } from 'jsonpath-plus';
import { describe, expect, it } from 'vitest';
import { extract, extractAll } from '../../../scenarios/adapters/json-path.js';

/** What the library alone answers, an object or an array counting as no value: the reference. */
function reference(path: string, json: unknown): string | undefined {
  const found: unknown = JSONPath({ path, json: json as object, wrap: true, eval: false });
  const value = (Array.isArray(found) ? found : []).find((v) => ['string', 'number', 'boolean'].includes(typeof v));
  return value === undefined ? undefined : String(value);
}

const doc = { id: 'e1', n: 7, flag: false, data: { event_id: 'evt_9', items: [{ id: 'i0' }, { id: 'i1' }] }, nil: null, list: ['a', 'b'] };

describe('extract', () => {
  it('reads plain member and index paths', () => {
    expect(extract('$.id', doc)).toBe('e1');
    expect(extract('$.n', doc)).toBe('7');
    expect(extract('$.flag', doc)).toBe('false');
    expect(extract('$.data.event_id', doc)).toBe('evt_9');
    expect(extract('$.data.items[1].id', doc)).toBe('i1');
    expect(extract("$['data']['event_id']", doc)).toBe('evt_9');
  });

  it('answers undefined for a missing or null value', () => {
    expect(extract('$.missing', doc)).toBeUndefined();
    expect(extract('$.nil', doc)).toBeUndefined();
    expect(extract('$.data.items[5].id', doc)).toBeUndefined();
  });

  it('finds nothing where a path lands on an object or an array, rather than "[object Object]" for every answer', () => {
    expect(extract('$.data', doc)).toBeUndefined();
    expect(extract('$.data.items', doc)).toBeUndefined();
    expect(extract('$.list', doc)).toBeUndefined();
    expect(extract("$['data']", doc)).toBeUndefined();
    expect(extract('$.data.items[*]', doc)).toBeUndefined();
    expect(extract('$..items', doc)).toBeUndefined();
    expect(extract('$.id', undefined)).toBeUndefined();
  });

  it('leaves wildcards, descendants and inherited names to the library', () => {
    expect(extract('$..event_id', doc)).toBe('evt_9');
    expect(extract('$.list[*]', doc)).toBe('a');
    expect(extract('$.id.length', doc)).toBe(reference('$.id.length', doc));
    expect(extract('$.constructor', doc)).toBe(reference('$.constructor', doc));
  });

  it('agrees with jsonpath-plus on any JSON and any plain path', () => {
    const name = fc.constantFrom('id', 'a', 'b', 'data', '0', '1', 'length', 'x_y');
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), fc.array(name, { minLength: 1, maxLength: 3 }), (json, names) => {
        const path = `$${names.map((n) => (/^\d+$/.test(n) ? `[${n}]` : `.${n}`)).join('')}`;
        expect(extract(path, json)).toBe(reference(path, json));
      }),
      { numRuns: 300 },
    );
  });

  it('reads every string or number a wildcard path finds, and nothing from a body that is not JSON', () => {
    const doc = { items: [{ event: { uuid: 'e1' } }, { event: { uuid: 7 } }, { event: {} }, { event: { uuid: { nested: true } } }] };
    expect(extractAll('$.items[*].event.uuid', doc)).toEqual(['e1', '7']);
    expect(extractAll('$..uuid', doc)).toEqual(['e1', '7']);
    expect(extractAll('$.items[*].event.uuid', undefined)).toEqual([]);
  });
});

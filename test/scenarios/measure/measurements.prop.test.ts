import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Measurements } from '../../../scenarios/measure/measurements.js';
import { OpBucket } from '../../../scenarios/measure/op-bucket.js';
import type { OpOutcome } from '../../../scenarios/measure/outcome.js';
import { propertyParams } from '../../support/property-seed.js';

const outcomes = fc.array(
  fc.record({
    intended: fc.nat({ max: 9999 }),
    latency: fc.nat({ max: 5000 }),
    ok: fc.boolean(),
    status: fc.constantFrom(201, 400, 429, 503, 0),
    dropped: fc.boolean(),
  }),
  { maxLength: 200 },
).map((list) => list.map((o): OpOutcome => ({ op: 'create_event', intended: o.intended, end: o.intended + o.latency, ok: o.ok && !o.dropped, status: o.status, dropped: o.dropped })));

describe('Measurements (property)', () => {
  it('a window merged from per-second buckets equals the whole run measured as one bucket', () => {
    fc.assert(
      fc.property(outcomes, (list) => {
        const m = new Measurements();
        const whole = new OpBucket();
        for (const o of list) {
          m.recordOp(o);
          whole.record(o);
        }
        expect(m.opWindow('create_event', { start: 0, end: 10_000 })).toEqual(whole.stats('create_event', 0, 10));
        const perBucket = m.opBuckets('create_event');
        expect(perBucket.reduce((n, b) => n + b.count, 0)).toBe(list.length);
      }),
      propertyParams('a window merged from per-second buckets equals the whole run as one bucket', 100),
    );
  });
});

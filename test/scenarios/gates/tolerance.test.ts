import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { holds, parseTolerance, toleranceSchema, type Tolerance } from '../../../scenarios/gates/tolerance.js';

function parsed(input: string | number): Tolerance {
  const result = parseTolerance(input);
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

describe('parseTolerance', () => {
  it('reads a comparison with a number or a duration bound', () => {
    expect(parsed('>= 0.99')).toEqual({ op: '>=', value: 0.99, unit: 'number', text: '>= 0.99' });
    expect(parsed('<= 250ms')).toEqual({ op: '<=', value: 250, unit: 'ms', text: '<= 250ms' });
    expect(parsed('< 2s')).toMatchObject({ op: '<', value: 2000, unit: 'ms' });
    expect(parsed('== 0')).toMatchObject({ op: '==', value: 0 });
    expect(parsed('>5')).toMatchObject({ op: '>', value: 5 });
    expect(parsed('!= 500')).toMatchObject({ op: '!=', value: 500 });
  });

  it('reads a bare number or status code as equality', () => {
    expect(parsed(200)).toEqual({ op: '==', value: 200, unit: 'number', text: '200' });
    expect(parsed('200')).toMatchObject({ op: '==', value: 200 });
    expect(parsed('5s')).toMatchObject({ op: '==', value: 5000, unit: 'ms' });
  });

  it('refuses what it cannot read with one line that shows the accepted forms', () => {
    for (const bad of ['>= fast', '=> 5', '<= 5 s', '', '>=', '<= 5h', 'about 3']) {
      const result = parseTolerance(bad);
      expect(result.ok, bad).toBe(false);
      if (!result.ok) expect(result.error, bad).toMatch(/e\.g\. ">= 0\.99"|is not a duration/);
    }
    expect(parseTolerance(Number.NaN).ok).toBe(false);
  });
});

describe('holds', () => {
  it('compares the measured value with the bound', () => {
    expect(holds(parsed('>= 0.99'), 0.99)).toBe(true);
    expect(holds(parsed('>= 0.99'), 0.98)).toBe(false);
    expect(holds(parsed('< 2s'), 1999)).toBe(true);
    expect(holds(parsed('< 2s'), 2000)).toBe(false);
    expect(holds(parsed('<= 250ms'), 250)).toBe(true);
    expect(holds(parsed('> 1'), 1)).toBe(false);
    expect(holds(parsed(200), 200)).toBe(true);
    expect(holds(parsed(200), 503)).toBe(false);
    expect(holds(parsed('!= 0'), 0)).toBe(false);
  });

  it('never holds when nothing was measured', () => {
    expect(holds(parsed('<= 2s'), null)).toBe(false);
    expect(holds(parsed('!= 0'), Number.NaN)).toBe(false);
  });
});

describe('toleranceSchema', () => {
  it('turns a tolerance field into a Tolerance and names the path of a bad one', () => {
    const schema = z.object({ gates: z.array(z.object({ tolerance: toleranceSchema })) });
    expect(schema.parse({ gates: [{ tolerance: 200 }] }).gates[0]?.tolerance.op).toBe('==');
    const result = schema.safeParse({ gates: [{ tolerance: '<= 5 s' }] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['gates', 0, 'tolerance']);
  });
});

import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { durationSchema, formatDuration, parseDuration } from '../../../scenarios/gates/duration.js';

describe('parseDuration', () => {
  it('reads milliseconds, seconds and minutes into milliseconds', () => {
    expect(parseDuration('500ms')).toEqual({ ok: true, value: 500 });
    expect(parseDuration('5s')).toEqual({ ok: true, value: 5000 });
    expect(parseDuration('1.5s')).toEqual({ ok: true, value: 1500 });
    expect(parseDuration('2m')).toEqual({ ok: true, value: 120_000 });
  });

  it('refuses a bare number, an unknown unit or a negative with a line saying what to write', () => {
    for (const bad of ['5', '5h', '-5s', 's', '5 s', 'five seconds']) {
      const parsed = parseDuration(bad);
      expect(parsed.ok, bad).toBe(false);
      if (!parsed.ok) expect(parsed.error).toContain('e.g. 500ms, 5s, 2m');
    }
  });

  it('formats milliseconds back the way scenario files write them', () => {
    expect([250, 5000, 1500, 120_000].map(formatDuration)).toEqual(['250ms', '5s', '1.5s', '2m']);
  });

  it('gives zod a duration field that names the path of a bad value', () => {
    const schema = z.object({ phases: z.object({ fault: durationSchema }) });
    expect(schema.parse({ phases: { fault: '20s' } })).toEqual({ phases: { fault: 20_000 } });
    const result = schema.safeParse({ phases: { fault: '20 sec' } });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(['phases', 'fault']);
    expect(result.error?.issues[0]?.message).toContain('"20 sec" is not a duration');
  });
});

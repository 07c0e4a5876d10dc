// The clock's ISO formatting keeps the last reading's text: every reading, repeated or not, must still
// read as Date formats it.
import { describe, expect, it } from 'vitest';
import { iso } from '../../../reference-server/src/domain/clock.js';

describe('iso', () => {
  it('formats every reading as Date does, whether it repeats the last one or not', () => {
    const base = Date.parse('2026-12-06T10:00:00.000Z');
    const readings = [base, base, base + 1, base, base + 999, base + 999, 0, -1, base + 86_400_000, base];
    for (const ms of readings) expect(iso(ms)).toBe(new Date(ms).toISOString());
  });

  it('refuses a reading that is not a time, as Date does', () => {
    iso(Date.parse('2026-01-01T00:00:00Z'));
    expect(() => iso(Number.NaN)).toThrow(RangeError);
    expect(() => iso(Number.NaN)).toThrow(RangeError);
  });
});

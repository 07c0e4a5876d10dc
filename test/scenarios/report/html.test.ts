// The report's number formats: a duration is written in the unit it rounds to, never `1000ms` or `60.0s`.
import { expect, it } from 'vitest';
import { fmtMeasured, fmtMs } from '../../../scenarios/report/html.js';

it('writes milliseconds as a person reads them, carrying into the next unit where rounding reaches it', () => {
  expect([0, 181.254, 999.4, 999.6, 1_000, 2_291.193, 9_994, 9_996, 10_000, 59_940, 59_960, 65_432.1, 125_000].map(fmtMs)).toEqual([
    '0ms', '181ms', '999ms', '1.00s', '1.00s', '2.29s', '9.99s', '10.0s', '10.0s', '59.9s', '1m 00s', '1m 05s', '2m 05s',
  ]);
  expect([null, undefined, Number.NaN].map(fmtMs)).toEqual(['—', '—', '—']);
});

it('writes a measured gate value in its tolerance unit', () => {
  expect(fmtMeasured(2_291.193, '<= 5s')).toBe('2.29s');
  expect(fmtMeasured(0.938775, '>= 0.95')).toBe('0.9388');
  // Rounded to a whole number, it is written as one: not `1.`, as the report once wrote 0.99999.
  expect(fmtMeasured(0.99999, '>= 0.95')).toBe('1');
  expect(fmtMeasured(null, '<= 5s')).toBe('—');
});

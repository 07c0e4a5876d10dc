// The dashboard's display and validation helpers: the figures people read and the webhook form's
// checks, which must agree with the API's own rules for event filters.
import { expect, it } from 'vitest';
import { millis, parseUtc, percent, remaining, topShares, utc, utcDay, utcMinute, webhookFormErrors } from '../../../reference-server/src/web/client/format.js';

it('formats ratios, latencies and instants, with a dash for missing values', () => {
  expect(percent(0.12345)).toBe('12.3%');
  expect(percent(0.066667, 2)).toBe('6.67%');
  expect(percent(null)).toBe('—');
  expect(millis(4.123)).toBe('4.1 ms');
  expect(millis(204)).toBe('204 ms');
  expect(millis(1240)).toBe('1.24 s');
  expect(millis(null)).toBe('—');
  expect(utc('2026-11-22T13:05:09.123Z')).toBe('2026-11-22 13:05:09 UTC');
  expect(utc(null)).toBe('—');
  expect(utc('soon')).toBe('soon');
  expect(utcDay(Date.parse('2026-11-22T23:30:00Z'), -1)).toBe('2026-11-21');
});

it('shows every instant in UTC, whatever the zone of the machine or how the instant is given', () => {
  const at = Date.parse('2026-11-22T23:05:09.123Z');
  // A zone far from UTC, where local time is already the next day.
  const zone = process.env.TZ;
  process.env.TZ = 'Pacific/Kiritimati';
  try {
    expect(new Date(at).getDate()).toBe(23);
    expect(utc(at)).toBe('2026-11-22 23:05:09 UTC');
    expect(utc(new Date(at))).toBe('2026-11-22 23:05:09 UTC');
    expect(utc(at, 'millis')).toBe('2026-11-22 23:05:09.123 UTC');
  } finally {
    if (zone === undefined) delete process.env.TZ;
    else process.env.TZ = zone;
  }
});

it('reads a typed UTC time as the dashboard writes one, and refuses what is no time', () => {
  expect(utcMinute(Date.parse('2026-11-22T13:05:59.999Z'))).toBe('2026-11-22 13:05');
  expect(parseUtc('2026-11-22 13:05')).toBe('2026-11-22T13:05:00.000Z');
  for (const same of ['2026-11-22T13:05', ' 2026-11-22 13:05:00 UTC ', '2026-11-22 13:05Z']) expect(parseUtc(same), same).toBe('2026-11-22T13:05:00.000Z');
  for (const wrong of ['2026-02-30 10:00', '2026-11-22 24:00', '2026-11-22 10:61', '11/22/2026, 01:05 PM', '2026-11-22', 'yesterday', '']) expect(parseUtc(wrong), wrong).toBeNull();
});

it('counts down a rule to its end, and says when it has none', () => {
  const now = Date.parse('2026-12-05T10:00:00Z');
  expect(remaining('2026-12-05T10:02:05Z', now)).toBe('2m 05s');
  expect(remaining('2026-12-05T10:00:09.200Z', now)).toBe('10s');
  expect(remaining('2026-12-05T09:59:59Z', now)).toBe('ended');
  expect(remaining(null, now)).toBe('until healed');
});

it('ranks a distribution by count then name, keeps the top n, and gives each its share of the total', () => {
  const shares = topShares(
    [
      { name: 'b', count: 2 },
      { name: 'a', count: 2 },
      { name: 'c', count: 5 },
      { name: 'd', count: 1 },
    ],
    10,
    3,
  );
  expect(shares).toEqual([
    { name: 'c', count: 5, share: 0.5 },
    { name: 'a', count: 2, share: 0.2 },
    { name: 'b', count: 2, share: 0.2 },
  ]);
  expect(topShares([{ name: 'x', count: 0 }], 0)).toEqual([{ name: 'x', count: 0, share: 0 }]);
});

it('accepts exact event types, * and prefix patterns, as the API does', () => {
  for (const events of ['*', 'order.*', 'order.created', 'order.created, user.*', 'a:b-c_d.e']) {
    expect(webhookFormErrors({ url: 'https://example.com/hooks', events }), events).toEqual({});
  }
});

it('names the field and the pattern that is wrong', () => {
  expect(webhookFormErrors({ url: 'https://example.com', events: 'order..created' }).events).toContain('"order..created"');
  expect(webhookFormErrors({ url: 'https://example.com', events: '*.created' }).events).toContain('"*.created"');
  expect(webhookFormErrors({ url: 'https://example.com', events: 'order.created, or/der' }).events).toContain('"or/der"');
  expect(webhookFormErrors({ url: 'https://example.com', events: ' , ' }).events).toMatch(/at least one/);
  expect(webhookFormErrors({ url: 'example.com/hooks', events: '*' }).url).toMatch(/full URL/);
  expect(webhookFormErrors({ url: 'ftp://example.com/hooks', events: '*' }).url).toMatch(/http or https/);
});

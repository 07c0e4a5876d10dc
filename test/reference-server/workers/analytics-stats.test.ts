// Request and delivery counts gathered per tenant and hour, in the hour the clock reads when each is recorded.
import { expect, it } from 'vitest';
import type { StatsFact } from '../../../reference-server/src/domain/analytics.js';
import { ManualClock } from '../../../reference-server/src/domain/clock.js';
import { StatsRecorder } from '../../../reference-server/src/workers/analytics-stats.js';

it('puts each request and attempt in the hour it happened, across hour boundaries both ways', async () => {
  const clock = new ManualClock(Date.parse('2026-06-01T10:59:59.999Z'));
  let n = 0;
  const stats = new StatsRecorder(clock, () => `sts_${++n}`);
  stats.request('t1', 200, 5);
  clock.advance(1);
  stats.request('t1', 500, 5);
  stats.deliveryAttempt('t1', true);
  // A clock set back (a replayed run) still lands in its own hour.
  clock.set(Date.parse('2026-06-01T09:30:00Z'));
  stats.deliveryAttempt('t1', false);
  stats.request('t2', 201, 1);
  const facts: StatsFact[] = [];
  await stats.flush(async (fact) => void facts.push(fact));
  const counts = facts.map((f) => [f.tenant_id, f.hour, f.request_count, f.request_error_count, f.delivery_count, f.delivery_error_count]);
  expect(counts.sort()).toEqual(
    [
      ['t1', '2026-06-01T09:00:00.000Z', 0, 0, 1, 1],
      ['t1', '2026-06-01T10:00:00.000Z', 1, 0, 0, 0],
      ['t1', '2026-06-01T11:00:00.000Z', 1, 1, 1, 0],
      ['t2', '2026-06-01T09:00:00.000Z', 1, 0, 0, 0],
    ].sort(),
  );
});

it('writes a fact whose write failed again as it was, same id and counts, and the newer counts after it', async () => {
  const clock = new ManualClock(Date.parse('2026-06-01T10:00:00Z'));
  let n = 0;
  const stats = new StatsRecorder(clock, () => `sts_${++n}`);
  const written: StatsFact[] = [];
  let failures = 0;
  // The write may have landed when it fails (its answer lost): it must not come back under a new id.
  const write = async (fact: StatsFact) => {
    if (failures > 0) {
      failures--;
      throw new Error('answer lost');
    }
    written.push(fact);
  };
  stats.request('t1', 200, 5);
  failures = 1;
  await stats.flush(write);
  expect(written).toEqual([]);
  stats.request('t1', 500, 5);
  // Fails again: the newer request waits with the unsent fact, gathered in one bucket.
  failures = 1;
  await stats.flush(write);
  stats.request('t1', 200, 5);
  await stats.flush(write);
  expect(written.map((f) => [f.id, f.request_count, f.request_error_count])).toEqual([
    ['sts_1', 1, 0],
    ['sts_2', 2, 1],
  ]);
  expect(stats.pending).toBe(0);
});

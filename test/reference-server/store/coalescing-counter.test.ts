// Coalesced rate-limit counting on real dynalite: concurrent increments get distinct, gapless
// positions from fewer writes, deferred increments are written too, and estimates include them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoalescingCounter } from '../../../reference-server/src/store/coalescing-counter.js';
import { RateLimitStore } from '../../../reference-server/src/store/rate-limit-store.js';
import { startTestApi, type TestApi } from '../../support/test-api.js';
import { waitFor } from '../../support/wait-for.js';

const NOW = Date.parse('2026-09-01T12:00:00Z');
let api: TestApi;
let store: RateLimitStore;
let writes = 0;
beforeAll(async () => {
  api = await startTestApi({ WORKER_ENABLED: 'false' });
  const real = new RateLimitStore(api.dynamo.doc, `${api.deps.config.TABLE_PREFIX}rate-limits`);
  store = Object.assign(Object.create(real) as RateLimitStore, {
    add: (...args: Parameters<RateLimitStore['add']>) => {
      writes++;
      return real.add(...args);
    },
  });
});
afterAll(async () => api?.close());

describe('coalescing counter', () => {
  it('gives 50 concurrent increments the positions 1..50 with fewer writes', async () => {
    const counter = new CoalescingCounter(store);
    writes = 0;
    const counts = await Promise.all(Array.from({ length: 50 }, () => counter.add('lineage-a', NOW)));
    expect(counts.map((c) => c.minute).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    expect(counts.every((c) => c.hour === c.minute && c.day === c.minute)).toBe(true);
    expect(writes).toBeLessThan(50);
    expect(await new RateLimitStore(api.dynamo.doc, `${api.deps.config.TABLE_PREFIX}rate-limits`).add('lineage-a', NOW, 0)).toEqual({ minute: 50, hour: 50, day: 50 });
  });

  it('writes deferred increments and counts them in the estimate meanwhile', async () => {
    const counter = new CoalescingCounter(store);
    expect(counter.estimate('lineage-b', NOW)).toBeUndefined();
    await counter.add('lineage-b', NOW);
    expect(counter.estimate('lineage-b', NOW)).toEqual({ minute: 2, hour: 2, day: 2 });
    const deferred = [counter.add('lineage-b', NOW, false), counter.add('lineage-b', NOW, false)];
    expect(counter.estimate('lineage-b', NOW)?.minute).toBe(4);
    await Promise.all(deferred);
    const raw = new RateLimitStore(api.dynamo.doc, `${api.deps.config.TABLE_PREFIX}rate-limits`);
    await waitFor(async () => (await raw.add('lineage-b', NOW, 0)).minute === 3);
    expect(counter.estimate('lineage-b', NOW + 1_000)).toBeUndefined();
  });

  it('starts a new count in the next minute but keeps the hour and day', async () => {
    const counter = new CoalescingCounter(store);
    await counter.add('lineage-c', NOW);
    const next = await counter.add('lineage-c', NOW + 60_000);
    expect(next).toEqual({ minute: 1, hour: 2, day: 2 });
  });
});

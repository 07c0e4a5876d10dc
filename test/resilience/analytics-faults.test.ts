// Analytics under faults injected by the chaos engine: the processor "crashing" at random steps (the
// crash injector's exit is turned into an abandoned step, so the test process survives it), DynamoDB
// throttling and partial batch failures on every table. Whatever was accepted must end up counted
// exactly once, and the rows must equal the accepted events.
import { afterEach, describe, expect, it } from 'vitest';
import type { Stores } from '../../reference-server/src/store/stores.js';
import { startTestApi, type TestApi } from '../support/test-api.js';
import { waitFor } from '../support/wait-for.js';
import { ingest, seededEngine } from './support/chaos-run.js';

let api: TestApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

class InjectedCrash extends Error {}

async function counted(a: TestApi, tenant: string): Promise<number> {
  const { rows } = await (a.deps.stores as unknown as Stores).analytics.query(tenant, 'daily', { from: '0', to: '9', limit: 100, nowMs: Date.now() });
  return rows.reduce((n, r) => n + r.event_count, 0);
}

describe('analytics under faults', () => {
  it('processor crashes at random steps and DynamoDB faults: every accepted event counted exactly once', async () => {
    const engine = seededEngine('analytics processor crashes and DynamoDB faults');
    api = await startTestApi(
      { RATE_LIMIT_ENABLED: 'false', ANALYTICS_POLL_MS: '20', ANALYTICS_BATCH_SIZE: '20' },
      { chaos: { engine, exit: () => { throw new InjectedCrash('injected crash'); } } },
    );
    const key = await api.createKey();
    engine.upsertRules([
      { id: 'crash-analytics', point: 'worker', match: { loop: 'analytics' }, injector: { kind: 'crash' }, probability: 0.3, duration: 60_000 },
      { id: 'throttle', point: 'dynamodb', injector: { kind: 'dynamodb_error', error: 'ThrottlingException' }, probability: 0.1, duration: 60_000 },
      { id: 'partial', point: 'dynamodb', match: { operation: 'BatchWriteItem' }, injector: { kind: 'partial_failure', phase: 'either' }, probability: 0.1, duration: 60_000 },
    ]);
    const run = await ingest(api, key.api_key, { rate: 40, durationMs: 4_000, tag: 'analytics' });
    expect(run.accepted.length).toBeGreaterThan(50);
    // Let the processor run into crashes for a while, then heal and let it converge.
    await waitFor(() => engine.log.entries().filter((e) => e.rule === 'crash-analytics').length >= 5, { message: 'crashes injected', timeoutMs: 20_000 });
    engine.heal();
    // Accepted events may exceed those answered 201: a request can fail after its event was stored and
    // its idempotent retry never sent. Count what the store holds against what analytics counted.
    await waitFor(async () => (await counted(api!, key.tenant_id)) >= run.accepted.length, { message: 'accepted events counted', timeoutMs: 30_000 });
    await waitFor(async () => (await (api!.deps.stores as unknown as Stores).outbox.readFacts(1)).length === 0, { message: 'feed drained', timeoutMs: 30_000 });
    const stored = new Set<string>();
    let cursor: string | null = null;
    do {
      const page: { body: { events: { event_id: string }[]; next_cursor: string | null } } = await api.call('GET', `/v1/inbox?limit=100${cursor ? `&cursor=${cursor}` : ''}`, { key: key.api_key });
      for (const e of page.body.events) stored.add(e.event_id);
      cursor = page.body.next_cursor;
    } while (cursor);
    for (const id of run.accepted) expect(stored.has(id)).toBe(true);
    expect(await counted(api, key.tenant_id)).toBe(stored.size);
  }, 90_000);
});

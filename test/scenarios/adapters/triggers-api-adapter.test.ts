// The triggers-api adapter against a real Triggers API: its own key and webhook, creates and reads
// answered as the history records them (status, event id, the reason when there was no answer), and
// the read-back through the inbox, the dead-letter queue and the analytics summary, and at teardown
// the webhooks disabled and the key revoked.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readPages, triggersApiAdapter } from '../../../scenarios/adapters/triggers-api-adapter.js';
import { TriggersApiError } from '../../../sdk/typescript/src/index.js';
import { ScenarioError } from '../../../scenarios/scenario/scenario-error.js';
import { startReceiver, type Receiver } from '../../support/receiver.js';
import { ADMIN_TOKEN, startTestApi, type TestApi } from '../../support/test-api.js';

let api: TestApi;
let receiver: Receiver;
beforeAll(async () => {
  api = await startTestApi({ ANALYTICS_FLUSH_MS: '100' });
  receiver = await startReceiver();
});
afterAll(async () => {
  await api?.close();
  await receiver?.close();
});

const never = new AbortController().signal;

describe('triggersApiAdapter', () => {
  it('sets up a tenant and webhook, creates and reads events, and reads everything back', async () => {
    const adapter = triggersApiAdapter({ baseUrl: api.url, adminToken: ADMIN_TOKEN, runId: 'run1' });
    const [webhookId] = await adapter.setup(receiver.url, 1);
    expect(webhookId).toMatch(/\S/);
    const created = await adapter.createEvent({ seq: 0, event_type: 'order.created', idempotency_key: 'run1-0' }, never);
    expect(created).toMatchObject({ status: 201, ok: true, value: { status: 201, idempotency_key: 'run1-0', event_type: 'order.created' } });
    const eventId = created.value.event_id!;
    expect(await adapter.readEvent(eventId, never)).toMatchObject({ status: 200, ok: true, value: { event_id: eventId } });
    expect(await adapter.readEvent('evt_unknown', never)).toMatchObject({ status: 404, ok: false, value: { status: 404 } });
    expect(await adapter.probe('/health/ready')).toBe(200);

    const final = await adapter.finalRead({ ids: [eventId, 'evt_unknown'], attempts: 2 }, () => 7);
    expect(final.events[eventId]).toEqual({ readable: true, event_type: 'order.created', source: 'aftershock', idempotency_key: 'run1-0' });
    expect(final.events.evt_unknown).toMatchObject({ readable: false });
    expect(final.webhooks).toEqual([{ webhook_id: webhookId, event_types: ['*'] }]);
    expect(final.dlq).toEqual([]);
    expect(final.analytics).toBeDefined();
    expect(final.time).toBe(7);

    // Teardown disables the run's webhook (its receiver closes with the run) and revokes its key: the
    // tenant answers no more, and a second teardown has nothing to do.
    expect((await api.deps.stores.webhooks.getAny(webhookId!))?.is_active).toBe(true);
    await adapter.teardown!();
    expect((await api.deps.stores.webhooks.getAny(webhookId!))?.is_active).toBe(false);
    expect(await adapter.readEvent(eventId, never)).toMatchObject({ status: 401, ok: false });
    await adapter.teardown!();
  });

  it('reads back a webhook the service disabled during the run with its reason', async () => {
    const adapter = triggersApiAdapter({ baseUrl: api.url, adminToken: ADMIN_TOKEN, runId: 'run7' });
    const [kept, gone] = await adapter.setup(receiver.url, 2);
    await api.deps.stores.webhooks.disable(gone!, 'endpoint answered 410 Gone', new Date().toISOString());
    const final = await adapter.finalRead({ ids: [], attempts: 0 }, () => 1);
    expect(final.webhooks).toEqual([
      { webhook_id: kept, event_types: ['*'] },
      { webhook_id: gone, event_types: ['*'], disabled_reason: 'endpoint answered 410 Gone' },
    ]);
    await adapter.teardown!();
  });

  it('rejects a teardown that could not revoke the key, naming what is left', async () => {
    const other = await startTestApi();
    const adapter = triggersApiAdapter({ baseUrl: other.url, adminToken: ADMIN_TOKEN, runId: 'run6' });
    await adapter.setup(receiver.url, 0);
    await other.close();
    const err = await adapter.teardown!().then(() => undefined, (e: Error) => e);
    expect(err?.message).toMatch(/^revoking the run's API key \S+ answered ECONNREFUSED; the key is left active$/);
  });

  it('keeps the key when a webhook could not be disabled, so a later teardown can still disable it', async () => {
    const rules = [{ id: 'no-update', point: 'http_in', match: { method: 'PUT', route: '/v1/webhooks/:id' }, injector: { kind: 'http_error', status: 503 }, max_count: 1 }];
    const refusing = await startTestApi({}, { chaos: { env: { CHAOS_ENABLED: 'true', CHAOS_SEED: '1', CHAOS_RULES: JSON.stringify(rules) } } });
    try {
      const adapter = triggersApiAdapter({ baseUrl: refusing.url, adminToken: ADMIN_TOKEN, runId: 'run8' });
      const [webhookId] = await adapter.setup(receiver.url, 1);
      const err = await adapter.teardown!().then(() => undefined, (e: Error) => e);
      expect(err?.message).toMatch(new RegExp(`^disabling the run's webhook ${webhookId} answered 503.*; it stays active; the run's API key \\S+ is left active, to disable that webhook with$`));
      expect((await refusing.deps.stores.webhooks.getAny(webhookId!))?.is_active).toBe(true);
      // The fault is spent: the next teardown disables the webhook with the key it kept, then revokes it.
      await adapter.teardown!();
      expect((await refusing.deps.stores.webhooks.getAny(webhookId!))?.is_active).toBe(false);
      expect(await adapter.readEvent('evt_any', never)).toMatchObject({ status: 401 });
    } finally {
      await refusing.close();
    }
  });

  it('sends a key-less create without an Idempotency-Key, and still finds its event in the read-back by its seq', async () => {
    const adapter = triggersApiAdapter({ baseUrl: api.url, adminToken: ADMIN_TOKEN, runId: 'run5' });
    await adapter.setup(receiver.url, 0);
    const input = { seq: 3, event_type: 'order.created', idempotency_key: 'run5-3', keyless: true } as const;
    const first = await adapter.createEvent(input, never);
    const second = await adapter.createEvent(input, never);
    expect(first).toMatchObject({ status: 201, ok: true, value: { idempotency_key: 'run5-3', event_type: 'order.created', source: 'aftershock' } });
    // With the key the second would have answered the first event; without it there are two.
    expect(second.value.event_id).toMatch(/^evt_/);
    expect(second.value.event_id).not.toBe(first.value.event_id);
    const keyed = await adapter.createEvent({ seq: 4, event_type: 'order.created', idempotency_key: 'run5-4' }, never);
    expect((await adapter.createEvent({ seq: 4, event_type: 'order.created', idempotency_key: 'run5-4' }, never)).value.event_id).toBe(keyed.value.event_id);

    const final = await adapter.finalRead({ ids: [], attempts: 4 }, () => 1);
    expect(final.events[first.value.event_id!]).toMatchObject({ readable: true, idempotency_key: 'run5-3' });
    expect(final.events[second.value.event_id!]).toMatchObject({ readable: true, idempotency_key: 'run5-3' });
    const refused = await adapter.createEvent({ ...input, event_type: '' }, never);
    expect(refused).toMatchObject({ status: 400, ok: false });
    expect(refused.value.event_id).toBeUndefined();
  });

  it('records a refused create as its status and a cancelled one as AbortError', async () => {
    const adapter = triggersApiAdapter({ baseUrl: api.url, adminToken: ADMIN_TOKEN, runId: 'run2' });
    await adapter.setup(receiver.url, 0);
    const bad = await adapter.createEvent({ seq: 1, event_type: '', idempotency_key: 'run2-1' }, never);
    expect(bad).toMatchObject({ status: 400, ok: false, value: { status: 400 } });
    const stop = new AbortController();
    stop.abort();
    const cancelled = await adapter.createEvent({ seq: 2, event_type: 'order.created', idempotency_key: 'run2-2' }, stop.signal);
    expect(cancelled).toMatchObject({ status: 0, ok: false, value: { error: 'AbortError' } });
  });

  it('names an unreachable target and a refused admin token', async () => {
    const down = triggersApiAdapter({ baseUrl: 'http://127.0.0.1:1', adminToken: ADMIN_TOKEN, runId: 'run3' });
    await expect(down.setup(receiver.url, 1)).rejects.toMatchObject({ code: 'target_unreachable' });
    const refused = triggersApiAdapter({ baseUrl: api.url, adminToken: 'adm_wrong', adminTokenVariable: 'STAGING_ADMIN_TOKEN', runId: 'run3' });
    const err = await refused.setup(receiver.url, 1).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScenarioError);
    expect(err).toMatchObject({ code: 'setup_failed' });
    expect((err as Error).message).toMatch(/answered 401 .*: the target refused the admin token in STAGING_ADMIN_TOKEN; set it to the target's own$/);
  });

  it('records a 2xx create whose body is not JSON as applied, with no event id, instead of throwing', async () => {
    const odd = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.url === '/v1/api-keys') return void res.writeHead(201, { 'content-type': 'application/json' }).end('{"api_key":"tr_odd"}');
        res.writeHead(201, { 'content-type': 'application/json' }).end('created, but not JSON');
      });
    });
    await new Promise<void>((resolve) => odd.listen(0, '127.0.0.1', resolve));
    try {
      const adapter = triggersApiAdapter({ baseUrl: `http://127.0.0.1:${(odd.address() as AddressInfo).port}`, adminToken: ADMIN_TOKEN, runId: 'run4' });
      await adapter.setup(receiver.url, 0);
      const created = await adapter.createEvent({ seq: 0, event_type: 'order.created', idempotency_key: 'run4-0' }, never);
      expect(created).toMatchObject({ status: 201, ok: true });
      expect(created.value.event_id).toBeUndefined();
    } finally {
      await new Promise<void>((resolve) => odd.close(() => resolve()));
    }
  });
});

describe('readPages', () => {
  const refused = (status: number) => new TriggersApiError({ message: 'refused', code: status === 404 ? 'not_found' : 'internal_error', status });
  async function* listing(items: number, failAt?: number, status = 503): AsyncGenerator<number> {
    for (let i = 0; i < items; i++) {
      if (i === failAt) throw refused(status);
      yield i;
    }
  }
  const read = async (items: AsyncIterable<number>, options: { most: number; optional?: true }) => {
    const seen: number[] = [];
    const error = await readPages(items, { what: 'the list', ...options }, (n) => seen.push(n)).then(() => undefined, (e: Error) => e.message);
    return { seen: seen.length, error };
  };

  it('fails a listing longer than the run could have made, instead of judging a part of it', async () => {
    expect(await read(listing(5), { most: 5 })).toEqual({ seen: 5, error: undefined });
    expect(await read(listing(6), { most: 5 })).toEqual({ seen: 5, error: 'reading the list back listed more than 5 items, more than the run could have made: its pages do not end' });
  });

  it('reads a listing the service does not have as empty, and fails one refused part-way', async () => {
    expect(await read(listing(3, 0, 404), { most: 10, optional: true })).toEqual({ seen: 0, error: undefined });
    expect(await read(listing(3, 0, 404), { most: 10 })).toEqual({ seen: 0, error: 'reading the list back answered 404 not_found' });
    expect(await read(listing(3, 2), { most: 10, optional: true })).toEqual({ seen: 2, error: 'reading the list back answered 503 internal_error after 2 items' });
    expect(await read(listing(3, 0), { most: 10, optional: true })).toEqual({ seen: 0, error: 'reading the list back answered 503 internal_error' });
  });
});

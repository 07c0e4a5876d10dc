// The active-webhook list fan-out keeps, on real dynalite: a second store over the same table stands
// for another process. Changes through the store itself show at once; another process's only once
// the kept list is older than the bound; a listing that overlapped a write is never kept.
import { QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookRecord } from '../../../reference-server/src/domain/webhook.js';
import { WebhooksStore } from '../../../reference-server/src/store/webhooks-store.js';
import { startTestApi, type TestApi } from '../../support/test-api.js';
import { waitFor } from '../../support/wait-for.js';

let api: TestApi;
let table: string;
beforeAll(async () => {
  api = await startTestApi({ WORKER_ENABLED: 'false' });
  table = `${api.deps.config.TABLE_PREFIX}webhooks`;
});
afterAll(async () => api?.close());

let n = 0;
function webhook(tenant: string): WebhookRecord {
  n++;
  const at = '2026-09-01T12:00:00.000Z';
  return {
    webhook_id: `whk_cache_${n}`,
    tenant_id: tenant,
    url: `http://127.0.0.1:9/hook/${n}`,
    events: ['*'],
    description: null,
    is_active: true,
    active_key: '1',
    secret_enc: 'sealed',
    consecutive_failures: 0,
    disabled_reason: null,
    created_at: at,
    updated_at: at,
  };
}

const ids = (list: WebhookRecord[]) => list.map((w) => w.webhook_id).sort();
const fresh = (now: number) => ({ now, maxAgeMs: 1_000 });

describe('active webhook list kept for fan-out', () => {
  it('serves the kept list within the bound, and lists again once it is older', async () => {
    const store = new WebhooksStore(api.dynamo.doc, table);
    const other = new WebhooksStore(api.dynamo.doc, table);
    const a = webhook('tnt_cache_a');
    await other.create(a);
    expect(ids(await store.activeFor(a.tenant_id, fresh(10_000)))).toEqual([a.webhook_id]);
    const b = webhook(a.tenant_id);
    await other.create(b);
    // Another process's change: not seen while the kept list is younger than the bound...
    expect(ids(await store.activeFor(a.tenant_id, fresh(10_999)))).toEqual([a.webhook_id]);
    // ...nor by a caller that asks for no kept list (which also does not disturb it)...
    expect(ids(await store.activeFor(a.tenant_id))).toEqual(ids([a, b]));
    // ...and seen once the kept list reaches the bound, or the clock went back.
    expect(ids(await store.activeFor(a.tenant_id, fresh(11_000)))).toEqual(ids([a, b]));
    await other.delete(a.tenant_id, b.webhook_id);
    expect(ids(await store.activeFor(a.tenant_id, fresh(10_500)))).toEqual([a.webhook_id]);
  });

  it('shows changes made through the store itself at once: create, replace, delete, disable', async () => {
    const store = new WebhooksStore(api.dynamo.doc, table);
    const tenant = 'tnt_cache_b';
    const now = 50_000;
    expect(await store.activeFor(tenant, fresh(now))).toEqual([]);
    const a = webhook(tenant);
    await store.create(a);
    expect(ids(await store.activeFor(tenant, fresh(now)))).toEqual([a.webhook_id]);
    const moved = { ...a, url: 'http://127.0.0.1:9/moved', updated_at: '2026-09-01T12:00:01.000Z' };
    expect(await store.replace(moved, a.updated_at)).toBe(true);
    expect((await store.activeFor(tenant, fresh(now))).map((w) => w.url)).toEqual([moved.url]);
    await store.disable(a.webhook_id, 'test', '2026-09-01T12:00:02.000Z');
    expect(await store.activeFor(tenant, fresh(now))).toEqual([]);
    const b = webhook(tenant);
    await store.create(b);
    expect(ids(await store.activeFor(tenant, fresh(now)))).toEqual([b.webhook_id]);
    await store.delete(tenant, b.webhook_id);
    expect(await store.activeFor(tenant, fresh(now))).toEqual([]);
  });

  it('shows the failure streak as recorded through the store at once', async () => {
    const store = new WebhooksStore(api.dynamo.doc, table);
    const a = webhook('tnt_cache_c');
    await store.create(a);
    const now = 90_000;
    expect((await store.activeFor(a.tenant_id, fresh(now)))[0]!.consecutive_failures).toBe(0);
    await store.recordExhausted(a.webhook_id, 5, '2026-09-01T12:00:03.000Z', 'dlv_cache_c@2026-09-01T12:00:03.000Z');
    expect((await store.activeFor(a.tenant_id, fresh(now)))[0]!.consecutive_failures).toBe(1);
    await store.recordSuccess(a.webhook_id);
    expect((await store.activeFor(a.tenant_id, fresh(now)))[0]!.consecutive_failures).toBe(0);
  });

  it('does not keep a listing that read before a write through the store but answered after it', async () => {
    // A document client whose queries answer only when the test says so, after they have read.
    let read = false;
    let answer!: () => void;
    const held = new Promise<void>((r) => (answer = r));
    const doc = {
      send: async (command: object, options?: object) => {
        const out: unknown = await api.dynamo.doc.send(command as never, options as never);
        if (command instanceof QueryCommand) {
          read = true;
          await held;
        }
        return out;
      },
    } as unknown as DynamoDBDocumentClient;
    const store = new WebhooksStore(doc, table);
    const tenant = 'tnt_cache_d';
    const now = 130_000;
    const listing = store.activeFor(tenant, fresh(now));
    await waitFor(() => read, { message: 'the listing has read' });
    const a = webhook(tenant);
    await store.create(a);
    answer();
    expect(await listing).toEqual([]);
    expect(ids(await store.activeFor(tenant, fresh(now)))).toEqual([a.webhook_id]);
  });
});

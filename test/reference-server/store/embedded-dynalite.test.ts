// The on-disk embedded store keeps data across a clean restart and across a crash (kill -9).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedDynamo } from '../../../reference-server/src/store/embedded-dynalite.js';
import { startTestApi } from '../../support/test-api.js';

const dir = mkdtempSync(join(tmpdir(), 'aftershock-disk-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('embedded dynalite on disk', () => {
  it('keeps events across a clean restart of the server', async () => {
    const path = join(dir, 'clean');
    const first = await startTestApi({}, { embeddedPath: path });
    const key = await first.createKey();
    const created = await first.call('POST', '/v1/events', { key: key.api_key, body: { source: 's', event_type: 't', payload: { a: 1 } } });
    await first.close();

    const second = await startTestApi({}, { embeddedPath: path });
    const read = await second.call('GET', `/v1/events/${created.body.event_id}`, { key: key.api_key });
    await second.close();
    expect(read.status).toBe(200);
    expect(read.body.payload).toEqual({ a: 1 });
  });

  it('keeps every acknowledged write when the store process is killed', async () => {
    const path = join(dir, 'crash');
    const db = await startEmbeddedDynamo({ path });
    const api = await startTestApi({ DYNAMODB_ENDPOINT: db.endpoint });
    const key = await api.createKey();
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) {
      const res = await api.call('POST', '/v1/events', { key: key.api_key, body: { source: 's', event_type: 't', payload: { i } } });
      ids.push(res.body.event_id);
    }
    db.kill();
    await api.close();

    const again = await startTestApi({}, { embeddedPath: path });
    const inbox = await again.call('GET', '/v1/inbox?limit=100', { key: key.api_key });
    await again.close();
    expect(inbox.body.events.map((e: { event_id: string }) => e.event_id)).toEqual(ids);
  });
});

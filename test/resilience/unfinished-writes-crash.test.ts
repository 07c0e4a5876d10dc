// kill -9 of `npm start` right after a create without a key was answered 503 with its group commit
// landed in part: what was left is in DATA_DIR/unfinished-writes.json before the answer goes out, and
// the next start on that DATA_DIR finishes it, so the event is readable, delivered once and counted.
// The server's own fault point splits the batch: the first BatchWriteItem of the events keeps one of
// its three items and hands two back, and every later one hands back all it was given, so nothing but
// the journal can finish it.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';
import { startReceiver } from '../support/receiver.js';
import { spawnServer, type SpawnedServer } from '../support/spawn-server.js';
import { waitFor } from '../support/wait-for.js';

const dataDir = mkdtempSync(join(tmpdir(), 'aftershock-unfinished-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const admin = 'adm_unfinished_writes_0123456789';
const journal = join(dataDir, 'unfinished-writes.json');
// The tables of a group commit: the event's, and the outbox's (its fan-out and facts rows).
const tables = ['triggers-api-events', 'triggers-api-event-outbox'];

async function call(server: SpawnedServer, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.apiKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

describe('npm start killed with SIGKILL after a part-written create without a key', () => {
  it('finishes the batch at the next start: the event is readable, delivered once and counted', async () => {
    const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 1_000_000);
    console.log(`[chaos] unfinished writes, kill -9: seed=${seed} (replay: CHAOS_SEED=${seed})`);
    const receiver = await startReceiver();
    onTestFinished(() => receiver.close());
    const first = await spawnServer({
      DATA_DIR: dataDir,
      ADMIN_TOKEN: admin,
      RATE_LIMIT_ENABLED: 'false',
      WORKER_ENABLED: 'false',
      ANALYTICS_ENABLED: 'false',
      CHAOS_ENABLED: 'true',
      CHAOS_SEED: String(seed),
      CHAOS_RULES: JSON.stringify([
        { id: 'split', point: 'dynamodb', match: { operation: 'BatchWriteItem', table: tables }, injector: { kind: 'partial_batch', fraction: 0.5 }, max_count: 1 },
        { id: 'refuse', point: 'dynamodb', match: { operation: 'BatchWriteItem', table: tables }, injector: { kind: 'partial_batch', fraction: 1 } },
      ]),
    });
    onTestFinished(() => void first.child.kill('SIGKILL'));
    expect((await call(first, 'POST', '/v1/webhooks', { url: receiver.url, events: ['*'] })).status).toBe(201);
    const created = await call(first, 'POST', '/v1/events', { source: 'crash', event_type: 'crash.unfinished', payload: { tag: 'unfinished' } });
    expect(created.status, JSON.stringify(created.body)).toBe(503);
    expect(existsSync(journal), 'the rest on disk before the 503').toBe(true);
    first.child.kill('SIGKILL');
    await first.exited;

    const next = await spawnServer({ DATA_DIR: dataDir, ADMIN_TOKEN: admin, RATE_LIMIT_ENABLED: 'false' });
    onTestFinished(async () => {
      next.child.kill('SIGTERM');
      await next.exited;
    });
    expect(next.output()).toMatch(/finishing part-written event batches left by an earlier run/);
    const tags = () => receiver.json<{ data: { event_id: string; payload: { tag: string } } }>().filter((b) => b.data.payload.tag === 'unfinished');
    const [delivery] = await waitFor(() => (tags().length > 0 ? tags() : undefined), { timeoutMs: 20_000, message: 'delivery of the event after the restart' });
    await waitFor(() => !existsSync(journal), { message: 'the journal removed once the batch is finished' });
    expect((await call(next, 'GET', `/v1/events/${delivery!.data.event_id}`)).status).toBe(200);

    // A later event delivered and counted: by then the first is counted too, once.
    expect((await call(next, 'POST', '/v1/events', { source: 'crash', event_type: 'crash.after', payload: { tag: 'after' } })).status).toBe(201);
    await waitFor(() => receiver.json<{ data: { payload: { tag: string } } }>().some((b) => b.data.payload.tag === 'after'), { message: 'delivery of the later event' });
    const total = async () => (await call(next, 'GET', '/v1/analytics/summary')).body.total_events as number;
    await waitFor(async () => (await total()) >= 2, { timeoutMs: 20_000, message: 'both events counted' });
    expect(await total()).toBe(2);
    expect(tags()).toHaveLength(1);
  });
});

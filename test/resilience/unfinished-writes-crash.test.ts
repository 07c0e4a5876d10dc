// kill -9 of `npm start` while a create without a key has its group commit landed in part, either while
// the server still retries the rest, right after it answered 503, or after the answer of the split call
// was lost and before its read back: what is left is in DATA_DIR/unfinished-writes.json before the next
// round or the read back goes out (and before the answer), and the next start on that DATA_DIR finishes
// it, so the event is readable, delivered once and counted.
// The server's own fault point splits the batch: the first BatchWriteItem of the events keeps one of
// its three items and hands two back (or loses its answer), and every later one hands back all it was
// given (or the read back never answers), so nothing but the journal can finish it.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { Toxiproxy } from 'toxiproxy-node-client';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ensureProxy } from '../../chaos/src/proxy/ensure-proxy.js';
import { startToxiproxyServer } from '../../chaos/src/proxy/server.js';
import { createDynamo } from '../../reference-server/src/store/dynamo-client.js';
import { startEmbeddedDynamo } from '../../reference-server/src/store/embedded-dynalite.js';
import { startReceiver } from '../support/receiver.js';
import { spawnServer, type SpawnedServer } from '../support/spawn-server.js';
import { waitFor } from '../support/wait-for.js';

const admin = 'adm_unfinished_writes_0123456789';
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

/** Rules that split the first group commit and hand every later call back whole. */
const splitThenRefuse = [
  { id: 'split', point: 'dynamodb', match: { operation: 'BatchWriteItem', table: tables }, injector: { kind: 'partial_batch', fraction: 0.5 }, max_count: 1 },
  { id: 'refuse', point: 'dynamodb', match: { operation: 'BatchWriteItem', table: tables }, injector: { kind: 'partial_batch', fraction: 1 } },
];

/** Rules that split the first group commit and lose its answer, then hold the read back of what landed until the kill. */
const splitLostThenHeld = [
  { id: 'split', point: 'dynamodb', match: { operation: 'BatchWriteItem', table: tables }, injector: { kind: 'partial_batch', fraction: 0.5 }, max_count: 1 },
  { id: 'lose-answer', point: 'dynamodb', match: { operation: 'BatchWriteItem', table: tables }, injector: { kind: 'partial_failure', phase: 'after' }, max_count: 1 },
  { id: 'hold-read-back', point: 'dynamodb', match: { operation: 'BatchGetItem', table: tables[0] }, injector: { kind: 'latency', ms: 60_000 } },
];

/** Waits until the server's fault point has applied `rule`. */
async function applied(server: SpawnedServer, rule: string): Promise<void> {
  await waitFor(async () => {
    const res = await fetch(`${server.url}/_chaos/log?limit=10`, { headers: { authorization: `Bearer ${admin}` } });
    return ((await res.json()) as { entries: { rule: string }[] }).entries.some((e) => e.rule === rule);
  }, { intervalMs: 5, message: `the fault point applied ${rule}` });
}

/**
 * Starts `npm start` on a fresh DATA_DIR with `rules`, creates an event without a key, kills the server
 * with SIGKILL once `killWhen` says (given the create's answer, still pending), starts it again on the
 * same DATA_DIR and checks the event ends readable, delivered once and counted.
 */
/** Checks, on the server started after the crash, that the event ends readable, delivered once and counted once. */
async function finishedOnce(next: SpawnedServer, receiver: Awaited<ReturnType<typeof startReceiver>>, dataDir: string): Promise<void> {
  expect(next.output()).toMatch(/finishing part-written event batches left by an earlier run/);
  const tags = () => receiver.json<{ data: { event_id: string; payload: { tag: string } } }>().filter((b) => b.data.payload.tag === 'unfinished');
  const [delivery] = await waitFor(() => (tags().length > 0 ? tags() : undefined), { timeoutMs: 20_000, message: 'delivery of the event after the restart' });
  await waitFor(() => !existsSync(join(dataDir, 'unfinished-writes.json')), { message: 'the journal removed once the batch is finished' });
  expect((await call(next, 'GET', `/v1/events/${delivery!.data.event_id}`)).status).toBe(200);

  // A later event delivered and counted: by then the first is counted too, once.
  expect((await call(next, 'POST', '/v1/events', { source: 'crash', event_type: 'crash.after', payload: { tag: 'after' } })).status).toBe(201);
  await waitFor(() => receiver.json<{ data: { payload: { tag: string } } }>().some((b) => b.data.payload.tag === 'after'), { message: 'delivery of the later event' });
  const total = async () => (await call(next, 'GET', '/v1/analytics/summary')).body.total_events as number;
  await waitFor(async () => (await total()) >= 2, { timeoutMs: 20_000, message: 'both events counted' });
  expect(await total()).toBe(2);
  expect(tags()).toHaveLength(1);
}

async function crashAndRestart(killWhen: (first: SpawnedServer, created: Promise<{ status: number }>) => Promise<void>, rules: unknown[] = splitThenRefuse): Promise<void> {
  const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 1_000_000);
  console.log(`[chaos] unfinished writes, kill -9: seed=${seed} (replay: CHAOS_SEED=${seed})`);
  const dataDir = mkdtempSync(join(tmpdir(), 'aftershock-unfinished-'));
  onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
  const journal = join(dataDir, 'unfinished-writes.json');
  const receiver = await startReceiver();
  onTestFinished(() => receiver.close());
  const env = { DATA_DIR: dataDir, ADMIN_TOKEN: admin, RATE_LIMIT_ENABLED: 'false' };
  const first = await spawnServer({ ...env, WORKER_ENABLED: 'false', ANALYTICS_ENABLED: 'false', CHAOS_ENABLED: 'true', CHAOS_SEED: String(seed), CHAOS_RULES: JSON.stringify(rules) });
  onTestFinished(() => void first.child.kill('SIGKILL'));
  expect((await call(first, 'POST', '/v1/webhooks', { url: receiver.url, events: ['*'] })).status).toBe(201);
  const created = call(first, 'POST', '/v1/events', { source: 'crash', event_type: 'crash.unfinished', payload: { tag: 'unfinished' } });
  created.catch(() => undefined);
  await killWhen(first, created);
  expect(existsSync(journal), 'the rest on disk when the server was killed').toBe(true);
  first.child.kill('SIGKILL');
  await first.exited;

  const next = await spawnServer(env);
  onTestFinished(async () => {
    next.child.kill('SIGTERM');
    await next.exited;
  });
  await finishedOnce(next, receiver, dataDir);
}

describe('npm start killed with SIGKILL with a create without a key part-written', () => {
  it('while the server still retries the rest: the next start finishes it, readable, delivered once and counted', async () => {
    // Killed as soon as a retry of the rest went out (the store's fault point logs it).
    await crashAndRestart((first) => applied(first, 'refuse'));
  });

  it('right after it answered 503: the next start finishes it, readable, delivered once and counted', async () => {
    await crashAndRestart(async (_first, created) => {
      expect((await created).status).toBe(503);
    });
  });

  it('after the answer of the split call was lost, before its read back: the next start finishes it, readable, delivered once and counted', async () => {
    // Killed while the read back of what landed waits.
    await crashAndRestart((first) => applied(first, 'hold-read-back'), splitLostThenHeld);
  });
});

describe('npm start killed with SIGKILL while a group commit is in flight', () => {
  it('part of it stored and its answer on the way: the next start finishes it from the log, readable, delivered once and counted', async () => {
    const seed = Number(process.env.CHAOS_SEED ?? Date.now() % 1_000_000);
    console.log(`[chaos] group commit in flight, kill -9: seed=${seed} (replay: CHAOS_SEED=${seed})`);
    const dataDir = mkdtempSync(join(tmpdir(), 'aftershock-in-flight-'));
    onTestFinished(() => rmSync(dataDir, { recursive: true, force: true }));
    // The store outlives the server, behind a proxy that can hold its answers.
    const db = await startEmbeddedDynamo();
    onTestFinished(() => db.stop());
    const proxies = await startToxiproxyServer({ port: 0, seed });
    onTestFinished(() => proxies.close());
    const route = await ensureProxy(proxies.url, { name: 'dynamodb', upstream: `127.0.0.1:${db.port}` });
    const receiver = await startReceiver();
    onTestFinished(() => receiver.close());
    const env = { DATA_DIR: dataDir, ADMIN_TOKEN: admin, RATE_LIMIT_ENABLED: 'false' };
    // Only the first group commit of the event is split: one of its three items is sent, two handed back.
    const split = [{ id: 'split', point: 'dynamodb', match: { operation: 'BatchWriteItem', table: tables }, injector: { kind: 'partial_batch', fraction: 0.5 }, max_count: 1 }];
    const first = await spawnServer({
      ...env,
      DYNAMODB_ENDPOINT: route.rewrite(db.endpoint),
      WORKER_ENABLED: 'false',
      ANALYTICS_ENABLED: 'false',
      CHAOS_ENABLED: 'true',
      CHAOS_SEED: String(seed),
      CHAOS_RULES: JSON.stringify(split),
    });
    onTestFinished(() => void first.child.kill('SIGKILL'));
    expect((await call(first, 'POST', '/v1/webhooks', { url: receiver.url, events: ['*'] })).status).toBe(201);

    // From here the store's answers wait a minute: the part sent lands, and the server never hears so.
    await (await new Toxiproxy(proxies.url).get('dynamodb')).addToxic({ name: 'held', type: 'latency', stream: 'downstream', toxicity: 1, attributes: { latency: 60_000 } });
    const created = call(first, 'POST', '/v1/events', { source: 'crash', event_type: 'crash.unfinished', payload: { tag: 'unfinished' } });
    created.catch(() => undefined);
    await applied(first, 'split');
    const { client } = createDynamo({ endpoint: db.endpoint });
    onTestFinished(() => client.destroy());
    const stored = async () => {
      let n = 0;
      for (const table of tables) n += (await client.send(new ScanCommand({ TableName: table, Select: 'COUNT', ConsistentRead: true }))).Count ?? 0;
      return n;
    };
    expect(await waitFor(async () => ((await stored()) > 0 ? stored() : undefined), { message: 'the part of the split call sent stored' })).toBe(1);
    const logFiles = () => readdirSync(dataDir).filter((f) => f.startsWith('in-flight-writes.'));
    expect(logFiles(), 'the call in the log when the server is killed').toHaveLength(1);
    first.child.kill('SIGKILL');
    await first.exited;

    const next = await spawnServer({ ...env, DYNAMODB_ENDPOINT: db.endpoint });
    onTestFinished(async () => {
      next.child.kill('SIGTERM');
      await next.exited;
    });
    expect(next.output()).toMatch(/"calls_in_flight":1/);
    expect(logFiles().filter((f) => f !== 'in-flight-writes.0'), 'the old log removed, a new one begun').toEqual([]);
    await finishedOnce(next, receiver, dataDir);
  });
});

// The playground's topology without Docker (`npm run test:playground`, outside npm test's budget):
// DynamoDB Local (Java), our proxy in Toxiproxy's place loaded from the committed populate file, the api
// and two workers as processes with the compose file's environment (hostnames rewritten to 127.0.0.1
// and free ports), and the compose file's receiver: `aftershock receiver`, read back through its control
// API. The receiver link goes down and comes back; nothing is lost.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startToxiproxyServer, type ToxiproxyServer } from '../../chaos/src/proxy/server.js';
import { startDynamoDbLocal, type DynamoDbLocal } from '../../reference-server/src/store/dynamodb-local.js';
import { startReceiverCommand, type ReceiverCommand } from './receiver-command.js';
import { spawnServer, type SpawnedServer } from '../support/spawn-server.js';
import { spawnWorker, type SpawnedWorker } from '../support/spawn-worker.js';
import { waitFor } from '../support/wait-for.js';
import { readCompose, readPopulateFile, rewriteHosts, serviceEnv } from './compose-file.js';

const compose = readCompose();
const dataDir = mkdtempSync(join(tmpdir(), 'aftershock-rehearsal-'));
let local: DynamoDbLocal;
let receiver: ReceiverCommand;
let proxy: ToxiproxyServer;
let api: SpawnedServer;
const workers: SpawnedWorker[] = [];
/** Container `host:port` → the 127.0.0.1 address standing in for it. */
const where: Record<string, string> = {};

const hostPort = (url: string) => new URL(url).host;

/** A compose service's environment for a native process: addresses rewritten, free ports, local data. */
function nativeEnv(service: string): Record<string, string> {
  const env = Object.fromEntries(Object.entries(serviceEnv(compose, service)).map(([k, v]) => [k, rewriteHosts(v, where)]));
  // The container listens on every interface at fixed ports; a native process takes loopback and free ports
  // (two workers on one host would otherwise both ask for the metrics port).
  return { ...env, HOST: '127.0.0.1', PORT: '0', ...(env.WORKER_METRICS_PORT ? { WORKER_METRICS_PORT: '0' } : {}), DATA_DIR: dataDir };
}

beforeAll(async () => {
  [local, receiver, proxy] = await Promise.all([startDynamoDbLocal(), startReceiverCommand(), startToxiproxyServer({ port: 0, seed: 16 })]);
  Object.assign(where, { 'dynamodb:8000': hostPort(local.endpoint), 'receiver:9000': hostPort(receiver.url), 'toxiproxy:8474': hostPort(proxy.url) });
  // The committed populate file, with the upstreams rewritten and each listener on a free loopback port.
  const entries = readPopulateFile();
  const res = await fetch(`${proxy.url}/populate`, {
    method: 'POST',
    body: JSON.stringify(entries.map((e) => ({ ...e, listen: '127.0.0.1:0', upstream: rewriteHosts(e.upstream, where) }))),
  });
  expect(res.status).toBe(201);
  const { proxies } = (await res.json()) as { proxies: { name: string; listen: string }[] };
  for (const entry of entries) where[`toxiproxy:${entry.listen.split(':').at(-1)}`] = proxies.find((p) => p.name === entry.name)!.listen;

  api = await spawnServer(nativeEnv('api'));
  // The workers' WORKER_WAKE_URL (http://api:8080) names the api, which took a free port.
  where['api:8080'] = hostPort(api.url);
  // One at a time, each kept as it starts: a worker that fails to start must not leak the one before it.
  for (let i = 0; i < 2; i++) workers.push(await spawnWorker(nativeEnv('worker')));
}, 120_000);

afterAll(async () => {
  for (const child of [api, ...workers]) if (child && child.child.exitCode === null) child.child.kill('SIGKILL');
  await Promise.all([api?.exited, ...workers.map((w) => w.exited)]);
  await Promise.all([proxy?.close(), receiver?.close(), local?.stop()]);
  rmSync(dataDir, { recursive: true, force: true });
}, 30_000);

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON read back
  const res = await fetch(`${api.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${api.apiKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: res.status === 204 ? undefined : await res.json() };
}

async function sendEvents(count: number, from: number): Promise<string[]> {
  const created = await Promise.all(
    Array.from({ length: count }, (_, i) => call('POST', '/v1/events', { source: 'rehearsal', event_type: 'order.created', payload: { n: from + i } })),
  );
  for (const c of created) expect(c.status).toBe(201);
  return created.map((c) => String(c.body.event_id));
}

const receivedEventIds = async () => new Set((await receiver.receipts()).filter((r) => r.status === 200).map((r) => r.event_id));

/** Delivery attempts the workers counted as failed (retried or dead-lettered), from their own /metrics. */
async function failedAttempts(): Promise<number> {
  let total = 0;
  for (const w of workers) {
    const url = /metrics on (http:\/\/\S+\/metrics)/.exec(w.output())![1]!;
    const page = await (await fetch(url)).text();
    for (const m of page.matchAll(/^webhook_deliveries_total\{outcome="(?:retry|dead_letter)"\} (\d+)/gm)) total += Number(m[1]);
  }
  return total;
}

async function setLink(name: string, enabled: boolean): Promise<void> {
  const res = await fetch(`${proxy.url}/proxies/${name}`, { method: 'POST', body: JSON.stringify({ enabled }) });
  expect(res.status).toBe(200);
}

describe('native rehearsal of the playground', () => {
  it('loses nothing when the receiver link goes down and comes back', async () => {
    const hook = await call('POST', '/v1/webhooks', { url: `http://${where['toxiproxy:19000']}/hook`, events: ['*'] });
    expect(hook.status).toBe(201);

    const before = await sendEvents(20, 0);
    await waitFor(async () => { const got = await receivedEventIds(); return before.every((id) => got.has(id)); }, { timeoutMs: 20_000, message: 'first 20 delivered through the receiver link' });

    await setLink('receiver', false);
    const during = await sendEvents(20, 20);
    // Down until the workers have failed about as many attempts as there are new deliveries.
    await waitFor(async () => (await failedAttempts()) >= during.length, { timeoutMs: 20_000, message: 'workers saw the receiver link down' });
    await setLink('receiver', true);

    const all = [...before, ...during];
    await waitFor(async () => { const got = await receivedEventIds(); return all.every((id) => got.has(id)); }, { timeoutMs: 30_000, message: 'every event delivered after the link healed' }).catch(async (err: Error) => {
      const logs = workers.map((w, i) => `worker ${i + 1}:\n${w.output().slice(-2_000)}`).join('\n');
      throw new Error(`${err.message}: ${(await receivedEventIds()).size} of ${all.length} events received\n${logs}`);
    });
    // Every accepted event is still readable, and nothing went to the dead-letter queue.
    for (const id of all) expect((await call('GET', `/v1/events/${id}`)).status).toBe(200);
    expect((await call('GET', '/v1/webhooks/dlq')).body.entries).toEqual([]);
    // One delivery per event: retries reuse the delivery id, so distinct ids count deliveries.
    expect(new Set((await receiver.receipts()).map((r) => r.delivery_id)).size).toBe(all.length);
    // Analytics read the events table's DynamoDB Stream (ANALYTICS_FEED=streams): every event counted once.
    await waitFor(async () => (await call('GET', '/v1/analytics/summary')).body.total_events === all.length, {
      timeoutMs: 20_000,
      message: `analytics counting all ${all.length} events from the stream`,
    });
  }, 90_000);

  it('has both workers follow the api\'s wake stream (WORKER_WAKE_URL), as the compose file does', async () => {
    const subscribers = async () => /^worker_wake_subscribers (\d+)/m.exec(await (await fetch(`${api.url}/metrics`)).text())?.[1];
    await waitFor(async () => (await subscribers()) === '2', { message: 'two workers on the wake stream' });
  });

  it('routes the api\'s DynamoDB traffic through the proxy, as the compose file does', async () => {
    const page = await (await fetch(`${proxy.url}/metrics`)).text();
    const bytes = /^toxiproxy_proxy_sent_bytes_total\{direction="downstream",[^}]*proxy="dynamodb"[^}]*\} (\d+)/m.exec(page)?.[1];
    expect(Number(bytes)).toBeGreaterThan(0);
  });
});

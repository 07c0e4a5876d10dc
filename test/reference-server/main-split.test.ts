// The split deployment from a fresh data directory: `npm start`, then `npm run worker` (three of
// them, following the server's wake stream) and `npm run migrate:api-keys` with only DATA_DIR in
// common — real processes, real ports.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { spawnEntry, type SpawnedEntry } from '../support/spawn-entry.js';
import { spawnServer, type SpawnedServer } from '../support/spawn-server.js';
import { spawnWorker } from '../support/spawn-worker.js';
import { waitFor } from '../support/wait-for.js';

const root = resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(join(tmpdir(), 'aftershock-split-'));
// Only DATA_DIR is shared; an inherited DYNAMODB_ENDPOINT (test:dynamodb-local) must not help.
const env = { DATA_DIR: dataDir, DYNAMODB_ENDPOINT: '', SECRETS_KEY: '', ADMIN_TOKEN: '', WORKER_POLL_MS: '50' };
const running: SpawnedEntry[] = [];
let server: SpawnedServer;
let receiver: Receiver;

const adminTokenOf = (s: SpawnedServer) => /Admin token: (adm_\S+)/.exec(s.output())![1]!;
const call = async (base: string, method: string, path: string, token: string, body?: unknown) => {
  const res = await request(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.statusCode, body: (await res.body.json().catch(() => undefined)) as { error?: { message: string } } | undefined };
};
const stop = async (p: SpawnedEntry) => {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
  await p.exited;
};
const portOf = (url: string) => new URL(url).port;

beforeAll(async () => {
  receiver = await startReceiver();
  server = await spawnServer({ ...env, WORKER_ENABLED: 'false' });
  running.push(server);
});
afterAll(async () => {
  await Promise.all(running.map(stop));
  await receiver?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start and npm run worker on one DATA_DIR', () => {
  it('prints the embedded store\'s endpoint and publishes it under DATA_DIR', () => {
    const endpoint = /embedded dynalite at (http:\/\/\S+)/.exec(server.output())?.[1];
    expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(JSON.parse(readFileSync(join(dataDir, 'dynamodb-endpoint.json'), 'utf8'))).toMatchObject({ endpoint });
  });

  it('three workers find the store by DATA_DIR alone, with PORT set to the server\'s, and deliver', async () => {
    // A user's shell may export the server's PORT: a worker's metrics port is its own.
    const workers = await Promise.all([1, 2, 3].map(() => spawnWorker({ ...env, PORT: portOf(server.url) })));
    running.push(...workers);
    const metricsPorts = workers.map((w) => /metrics on http:\/\/127\.0\.0\.1:(\d+)/.exec(w.output())?.[1]);
    expect(new Set([...metricsPorts, portOf(server.url)]).size).toBe(4);
    // ...and the server's wake stream the same way (DATA_DIR/server-url.json): all three follow it.
    const subscribers = async () => /^worker_wake_subscribers (\d+)/m.exec(await (await request(`${server.url}/metrics`)).body.text())?.[1];
    await waitFor(async () => (await subscribers()) === '3', { message: 'three workers follow the wake stream' });
    const webhook = await call(server.url, 'POST', '/v1/webhooks', server.apiKey, { url: receiver.url, events: ['*'] });
    expect(webhook.status).toBe(201);
    for (let i = 0; i < 6; i++) expect((await call(server.url, 'POST', '/v1/events', server.apiKey, { source: 'split', event_type: 'split.test', payload: { i } })).status).toBe(201);
    // The server runs no workers (WORKER_ENABLED=false): only the worker processes can deliver.
    await waitFor(() => new Set(receiver.json<{ data: { payload: { i: number } } }>().map((b) => b.data.payload.i)).size === 6, { timeoutMs: 20_000, message: '6 deliveries' });
  });

  it('a worker whose metrics port is taken says so in one line naming WORKER_METRICS_PORT', async () => {
    const worker = await spawnEntry('reference-server/src/workers/main.ts', { ...env, WORKER_METRICS_PORT: portOf(server.url) }, (out) => out.includes('worker running'));
    running.push(worker);
    expect(await worker.exited).toBe(1);
    const errors = worker.output().split('\n').filter((l) => l.startsWith('npm run worker:'));
    expect(errors).toEqual([expect.stringMatching(/already in use \(set WORKER_METRICS_PORT/)]);
  });

  it('a worker with no server on its DATA_DIR says what to do in one line and exits 2', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'aftershock-split-empty-'));
    try {
      const worker = await spawnEntry('reference-server/src/workers/main.ts', { ...env, DATA_DIR: empty }, () => false);
      expect(await worker.exited).toBe(2);
      expect(worker.output().trim()).toMatch(/^npm run worker: no DynamoDB to work on: start `npm start` with DATA_DIR=\S+ first, or set DYNAMODB_ENDPOINT$/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('a second server on a taken PORT says so in one line naming PORT', async () => {
    const other = mkdtempSync(join(tmpdir(), 'aftershock-split-other-'));
    try {
      const clash = await spawnEntry('reference-server/src/main.ts', { ...env, DATA_DIR: other, PORT: portOf(server.url) }, () => false);
      expect(await clash.exited).toBe(1);
      expect(clash.output().trim()).toMatch(/^cannot start: 127\.0\.0\.1:\d+ is already in use \(set PORT to another port\)$/);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('a second server on the same DATA_DIR says so in one line naming DATA_DIR, and the first keeps it', async () => {
    const clash = await spawnEntry('reference-server/src/main.ts', { ...env, PORT: '0' }, () => false);
    expect(await clash.exited).toBe(1);
    expect(clash.output().trim()).toBe(`cannot start: DATA_DIR ${dataDir} is in use by another running server (it answers on ${join(dataDir, 'server.lock')}); give each server its own DATA_DIR`);
    // The first server still serves, and its lock stays.
    expect((await fetch(`${server.url}/health/ready`)).status).toBe(200);
    expect(existsSync(join(dataDir, 'server.lock'))).toBe(true);
  });

  it('migrate:api-keys works alongside the running server', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/migrate-api-keys.ts'], {
      cwd: root,
      env: { ...process.env, ...env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
      timeout: 30_000,
    });
    expect(JSON.parse(stdout.trim())).toMatchObject({ dry_run: false, migrated: 0, already_current: expect.any(Number) });
  });

  it('keeps the generated admin token across a restart, sealed rather than in plain text, and names it when wrong', async () => {
    const token = adminTokenOf(server);
    expect(readFileSync(join(dataDir, 'admin-token.sealed'), 'utf8')).not.toContain(token.slice(4));
    // Three workers stay attached to the store while the server drains and stops: a loaded machine
    // makes both the stop and the next start slow, hence this test's own, longer bound.
    await stop(server);
    expect(server.child.exitCode, server.output()).toBe(0);
    expect(() => readFileSync(join(dataDir, 'dynamodb-endpoint.json'))).toThrow(/ENOENT/);
    expect(() => readFileSync(join(dataDir, 'server-url.json'))).toThrow(/ENOENT/);
    const again = await spawnServer({ ...env, WORKER_ENABLED: 'false' });
    running.push(again);
    expect(adminTokenOf(again)).toBe(token);
    expect((await call(again.url, 'POST', '/v1/api-keys', token, { name: 'after restart' })).status).toBe(201);
    const wrong = await call(again.url, 'POST', '/v1/api-keys', 'adm_not_the_token_0123456789', { name: 'x' });
    expect(wrong.status).toBe(401);
    expect(wrong.body?.error?.message).toMatch(/admin token/);
    const wrongOnKeyRoute = await call(again.url, 'GET', '/v1/api-keys/key_00000000000000000000000000', 'adm_not_the_token_0123456789');
    expect(wrongOnKeyRoute.status).toBe(401);
    expect(wrongOnKeyRoute.body?.error?.message).toMatch(/admin token/);
  }, 60_000);
});
